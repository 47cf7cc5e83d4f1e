package apps

import (
	"path/filepath"
	"strconv"
	"time"

	"distlab/mr"
)

// EarlyExit makes reduce tasks finish at very different times: every map
// emits its file name as the key, and the reduce of about half the names
// sleeps three seconds. A framework whose workers (or coordinator) exit
// while another worker is still writing output would be caught by a test
// that snapshots the outputs when the first process exits.
func EarlyExit() App {
	return App{
		Name: "early_exit",
		Map: func(filename, _ string) []mr.KeyValue {
			return []mr.KeyValue{{Key: filename, Value: "1"}}
		},
		Reduce: func(key string, values []string) string {
			if hash(filepath.Base(key))%2 == 0 {
				time.Sleep(3 * time.Second)
			}
			return strconv.Itoa(len(values))
		},
	}
}
