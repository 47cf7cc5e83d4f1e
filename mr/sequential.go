package mr

import (
	"fmt"
	"os"
	"path/filepath"
)

// RunSequential runs a whole job in the calling goroutine, without workers or
// files between the phases: it maps every input, sorts all pairs by key, and
// writes one "key value" line per key to out (through a temporary file in the
// same directory, renamed into place). Its output is the reference the
// distributed run must equal, up to the order of lines.
func RunSequential(files []string, out string, mapf func(string, string) []KeyValue, reducef func(string, []string) string) error {
	if len(files) == 0 {
		return fmt.Errorf("no input files")
	}
	var kvs []KeyValue
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			return fmt.Errorf("input file: %w", err)
		}
		kvs = append(kvs, mapf(name, string(data))...)
	}
	f, err := createAtomic(filepath.Dir(out), filepath.Base(out))
	if err != nil {
		return fmt.Errorf("output %s: %w", out, err)
	}
	committed := false
	defer func() {
		if !committed {
			f.abort()
		}
	}()
	if err := reduceAll(kvs, reducef, f.writeLine); err != nil {
		return fmt.Errorf("output %s: %w", out, err)
	}
	committed = true
	return f.commit()
}
