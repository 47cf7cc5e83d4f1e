package apps

import (
	"fmt"
	"plugin"

	"distlab/mr"
)

// loadPlugin opens a Go plugin built with -buildmode=plugin that exports
//
//	func Map(filename string, contents string) []mr.KeyValue
//	func Reduce(key string, values []string) string
//
// The plugin must be built from this module with the same Go version and
// flags (e.g. -race) as the program loading it; plugin.Open says which
// package differs otherwise. Plugins need cgo and work on Linux and macOS.
func loadPlugin(path string) (App, error) {
	p, err := plugin.Open(path)
	if err != nil {
		return App{}, fmt.Errorf("load application plugin: %w", err)
	}
	app := App{Name: path}
	sym, err := p.Lookup("Map")
	if err != nil {
		return App{}, fmt.Errorf("application plugin %s: %w", path, err)
	}
	switch f := sym.(type) {
	case func(string, string) []mr.KeyValue:
		app.Map = f
	case *func(string, string) []mr.KeyValue:
		app.Map = *f
	default:
		return App{}, fmt.Errorf("application plugin %s: Map is a %T, want func(string, string) []mr.KeyValue", path, sym)
	}
	if sym, err = p.Lookup("Reduce"); err != nil {
		return App{}, fmt.Errorf("application plugin %s: %w", path, err)
	}
	switch f := sym.(type) {
	case func(string, []string) string:
		app.Reduce = f
	case *func(string, []string) string:
		app.Reduce = *f
	default:
		return App{}, fmt.Errorf("application plugin %s: Reduce is a %T, want func(string, []string) string", path, sym)
	}
	return app, nil
}
