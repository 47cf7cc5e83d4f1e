package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"distlab/labtest/report"
)

func init() {
	register(&command{
		name:    "report",
		summary: "(re)build the run report page of an artefact folder (distlab report DIR)",
		run:     runReport,
	})
}

// runReport rebuilds DIR/report.html from DIR/report.json and prints the
// page's path (a file:// URL to open in a browser).
func runReport(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("distlab report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: distlab report DIR\n\n")
		fmt.Fprintf(stderr, "Rebuilds DIR/%s, the run report page, from DIR/%s, which a failing test, a failing\n", report.HTMLFile, report.JSONFile)
		fmt.Fprintf(stderr, "chaos run or \"distlab chaos <lab> -report\" writes. Open the page in a browser; it needs no network.\n")
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	dir := fs.Arg(0)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		fmt.Fprintf(stderr, "distlab report: %s is not a folder (give the artefact folder that holds %s)\n", dir, report.JSONFile)
		return 1
	}
	page, err := report.Rebuild(dir)
	if err != nil {
		fmt.Fprintf(stderr, "distlab report: %v\n", err)
		return 1
	}
	if abs, err := filepath.Abs(page); err == nil {
		page = abs
	}
	fmt.Fprintf(stdout, "file://%s\n", page)
	return 0
}
