// Command mrworker runs one MapReduce worker: it asks the coordinator for
// map and reduce tasks until the job is over. The application is a name
// compiled into distlab (wc, indexer, ...) or a Go plugin built with
// -buildmode=plugin from this module.
//
//	mrworker [-addr unix:/path | -addr tcp:host:port] wc
//	mrworker ./wc.so
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"distlab/mr"
	"distlab/mr/apps"
)

func main() { os.Exit(run(os.Args[1:], os.Stderr)) }

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("mrworker", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", mr.DefaultAddr(), "the coordinator's address: unix:/path or tcp:host:port (env "+mr.AddrEnv+")")
	giveUp := fs.Duration("give-up", mr.DefaultGiveUpAfter, "stop if the coordinator does not answer for this long")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: mrworker [flags] app\n  app: %s, or a plugin file (.so)\n", strings.Join(apps.Names(), ", "))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	app, err := apps.Load(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "mrworker: %v\n", err)
		return 2
	}
	t, err := mr.ParseAddr(*addr)
	if err != nil {
		fmt.Fprintf(stderr, "mrworker: %v\n", err)
		return 2
	}
	if err := mr.RunWorker(mr.WorkerOptions{Transport: t, GiveUpAfter: *giveUp}, app.Map, app.Reduce); err != nil {
		fmt.Fprintf(stderr, "mrworker: %v\n", err)
		return 1
	}
	return 0
}
