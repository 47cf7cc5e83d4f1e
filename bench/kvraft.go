package bench

import (
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"distlab/porcupine"
	"distlab/porcupine/models"
)

// kvraftCases loads the histories recorded from kvraft chaos runs (see
// TestRecordKvraftHistories): a run whose name starts with "long" is one
// client on one key. All are linearizable (each run's own check said so).
func kvraftCases() ([]Case, error) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "kvraft", "*.json.gz"))
	if len(paths) == 0 {
		return nil, fmt.Errorf("no recorded kvraft histories in testdata/kvraft (run from bench/)")
	}
	var cases []Case
	for _, p := range paths {
		raw, err := readKvHistory(p)
		if err != nil {
			return cases, err
		}
		name := strings.TrimSuffix(filepath.Base(p), ".json.gz")
		group := GroupKvraft
		if strings.HasPrefix(name, "long") {
			group = GroupKvraftLong
		}
		cases = append(cases, newCase(group, name, true, raw, models.KvModel, theirKv))
	}
	return cases, nil
}

// readKvHistory reads a gzipped JSON history of kv operations.
func readKvHistory(path string) ([]rawOp, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	h, err := porcupine.ReadHistory(z, path, porcupine.FormatJSON)
	if err != nil {
		return nil, err
	}
	ops, err := h.ToOperations(porcupine.DecodeJSON[models.KvInput, models.KvOutput]())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	raw := make([]rawOp, len(ops))
	for i, op := range ops {
		raw[i] = rawOp{client: op.ClientId, call: op.Call, ret: op.Return, input: op.Input, output: op.Output}
		if op.Pending() {
			raw[i].ret = -1
		}
	}
	return raw, nil
}
