package apps

import (
	"strconv"
	"time"

	"distlab/mr"
)

// MapTiming shows whether map tasks run in parallel: each map call stays
// busy for a second and counts the map calls running meanwhile (through
// probe files in dir). The output has one line "parallel N" where N is the
// most map calls seen running at once.
func MapTiming(dir string) App {
	return App{
		Name: "mtiming",
		Map: func(string, string) []mr.KeyValue {
			return []mr.KeyValue{{Key: "parallel", Value: strconv.Itoa(parallelism(dir, "map", timingHold))}}
		},
		Reduce: maxReduce,
	}
}

// ReduceTiming shows whether reduce tasks run in parallel: every map emits
// the keys "a" to "j", and each reduce call stays busy for a second and
// outputs how many reduce calls were running meanwhile ("a N"...).
func ReduceTiming(dir string) App {
	return App{
		Name: "rtiming",
		Map: func(string, string) []mr.KeyValue {
			kvs := make([]mr.KeyValue, 0, 10)
			for c := 'a'; c <= 'j'; c++ {
				kvs = append(kvs, mr.KeyValue{Key: string(c), Value: "1"})
			}
			return kvs
		},
		Reduce: func(string, []string) string { return strconv.Itoa(parallelism(dir, "reduce", timingHold)) },
	}
}

// timingHold is how long a timing app's call stays busy.
const timingHold = time.Second

func maxReduce(_ string, values []string) string {
	best := 0
	for _, v := range values {
		if n, err := strconv.Atoi(v); err == nil && n > best {
			best = n
		}
	}
	return strconv.Itoa(best)
}
