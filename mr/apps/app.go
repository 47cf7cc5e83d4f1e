// Package apps holds MapReduce applications for package mr: word count and
// an indexer, plus test applications that observe the framework itself
// (parallelism of maps and of reduces, how many times maps run, early exit,
// crashing workers). Each is registered by name for the mr commands
// ("mrworker wc"), and Load also opens an application compiled as a Go
// plugin ("mrworker ./wc.so"), as the classic labs do.
//
// The observing apps communicate through marker files named mr-probe-* in a
// directory (the working directory when looked up by name), so they work the
// same whether the workers are goroutines of one process or processes on
// machines that share a file system.
package apps

import (
	"fmt"
	"slices"
	"strings"

	"distlab/mr"
)

// An App is a map function and a reduce function, as mr.Worker and
// mr.RunSequential take them. Both must be safe for concurrent use.
type App struct {
	Name   string
	Map    func(filename, contents string) []mr.KeyValue
	Reduce func(key string, values []string) string
}

// registry holds the compiled-in applications, each made afresh by Lookup.
// Apps that observe the framework use the working directory for their probe
// files; crash exits the process.
var registry = map[string]func() App{
	"wc":         WordCount,
	"indexer":    Indexer,
	"mtiming":    func() App { return MapTiming(".") },
	"rtiming":    func() App { return ReduceTiming(".") },
	"jobcount":   func() App { return JobCount(".") },
	"early_exit": EarlyExit,
	"crash":      func() App { return Crash(processSeed(), ExitProcess) },
	"nocrash":    NoCrash,
}

// Names returns the names of the compiled-in applications, sorted.
func Names() []string {
	var names []string
	for n := range registry {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Lookup returns the compiled-in application called name.
func Lookup(name string) (App, error) {
	mk, ok := registry[name]
	if !ok {
		return App{}, fmt.Errorf("unknown application %q: known ones are %s, or give the path of a plugin (.so)",
			name, strings.Join(Names(), ", "))
	}
	return mk(), nil
}

// Load returns the application spec names: a plugin if spec ends in ".so"
// (or contains a slash), otherwise a compiled-in application.
func Load(spec string) (App, error) {
	if strings.HasSuffix(spec, ".so") || strings.Contains(spec, "/") {
		return loadPlugin(spec)
	}
	return Lookup(spec)
}
