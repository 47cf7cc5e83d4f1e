package apps

import (
	"slices"
	"strconv"
	"strings"
	"unicode"

	"distlab/mr"
)

// Indexer builds an inverted index: for each word (a maximal run of
// letters), the number of input files containing it and their names, sorted
// and comma-separated: "word 2 a.txt,b.txt".
func Indexer() App {
	return App{Name: "indexer", Map: indexMap, Reduce: indexReduce}
}

func indexMap(filename string, contents string) []mr.KeyValue {
	seen := map[string]bool{}
	var kvs []mr.KeyValue
	for _, w := range strings.FieldsFunc(contents, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if !seen[w] {
			seen[w] = true
			kvs = append(kvs, mr.KeyValue{Key: w, Value: filename})
		}
	}
	return kvs
}

func indexReduce(_ string, values []string) string {
	files := slices.Clone(values)
	slices.Sort(files)
	return strconv.Itoa(len(files)) + " " + strings.Join(files, ",")
}
