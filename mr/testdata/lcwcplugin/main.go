// Package main is a MapReduce application built as a Go plugin by the mr
// tests: a case-insensitive word count.
package main

import (
	"strconv"
	"strings"
	"unicode"

	"distlab/mr"
)

// Map emits (lower-cased word, "1") for every word of contents.
func Map(_ string, contents string) []mr.KeyValue {
	var kvs []mr.KeyValue
	for _, w := range strings.FieldsFunc(contents, func(r rune) bool { return !unicode.IsLetter(r) }) {
		kvs = append(kvs, mr.KeyValue{Key: strings.ToLower(w), Value: "1"})
	}
	return kvs
}

// Reduce counts a word's occurrences.
func Reduce(_ string, values []string) string { return strconv.Itoa(len(values)) }
