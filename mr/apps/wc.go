package apps

import (
	"strconv"
	"strings"
	"unicode"

	"distlab/mr"
)

// WordCount counts words: a word is a maximal run of letters, and the output
// has one line "word count" per distinct word (case-sensitive).
func WordCount() App {
	return App{Name: "wc", Map: wcMap, Reduce: wcReduce}
}

func wcMap(_ string, contents string) []mr.KeyValue {
	words := strings.FieldsFunc(contents, func(r rune) bool { return !unicode.IsLetter(r) })
	kvs := make([]mr.KeyValue, len(words))
	for i, w := range words {
		kvs[i] = mr.KeyValue{Key: w, Value: "1"}
	}
	return kvs
}

func wcReduce(_ string, values []string) string { return strconv.Itoa(len(values)) }
