package apps

import (
	"path/filepath"
	"strconv"
	"time"

	"distlab/mr"
)

// JobCount counts how many times map functions ran: each map call leaves a
// probe file in dir and stays busy for one to two seconds, and the single
// reduce key "a" outputs the number of such files: "a N". When no worker
// crashes and none is slow, N is the number of input files.
func JobCount(dir string) App {
	return App{
		Name: "jobcount",
		Map: func(filename, _ string) []mr.KeyValue {
			createProbe(dir, "jobcount")
			time.Sleep(time.Second + time.Duration(hash(filepath.Base(filename))%1000)*time.Millisecond)
			return []mr.KeyValue{{Key: "a", Value: "x"}}
		},
		Reduce: func(string, []string) string { return strconv.Itoa(countProbes(dir, "jobcount")) },
	}
}

// hash is 32-bit FNV-1a, for deterministic per-file choices.
func hash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}
