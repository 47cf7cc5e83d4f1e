// Command mrsequential runs a MapReduce application in one process, without
// workers, and writes the reference output that a distributed run of the same
// application must equal (up to the order of lines).
//
//	mrsequential [-o mr-out-0] wc pg-*.txt
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
	fs := flag.NewFlagSet("mrsequential", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "mr-out-0", "output file")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: mrsequential [-o file] app inputfiles...\n  app: %s, or a plugin file (.so)\n", strings.Join(apps.Names(), ", "))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() < 2 {
		fs.Usage()
		return 2
	}
	app, err := apps.Load(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "mrsequential: %v\n", err)
		return 2
	}
	if err := mr.RunSequential(fs.Args()[1:], *out, app.Map, app.Reduce); err != nil {
		fmt.Fprintf(stderr, "mrsequential: %v\n", err)
		return 1
	}
	return 0
}
