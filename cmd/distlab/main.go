// Command distlab is the command line of the distlab framework: a test runner
// and grader, a linearizability checker for history files, a per-peer log
// viewer, chaos runs of the labs' services, and the replay of failures.
//
// Run "distlab help" for the list of subcommands and "distlab CMD -h" for the
// flags of one.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
)

// A command is one subcommand of distlab. Each lives in a file of its own and
// adds itself to commands in an init function.
type command struct {
	name    string
	summary string // one line for "distlab help"
	// run executes the subcommand with the arguments after its name and
	// returns the process exit status.
	run func(args []string, stdout, stderr io.Writer) int
}

var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("distlab: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			c, ok := commands[args[1]]
			if !ok {
				fmt.Fprintf(stderr, "distlab help: unknown command %q\n\n", args[1])
				usage(stderr)
				return 2
			}
			return c.run([]string{"-h"}, stdout, stderr)
		}
		usage(stdout)
		return 0
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "distlab: unknown command %q\n\n", name)
		usage(stderr)
		return 2
	}
	return c.run(args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: distlab <command> [flags] [arguments]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	listCommands(w, commands)
	fmt.Fprintln(w)
	fmt.Fprintln(w, `Run "distlab help <command>" or "distlab <command> -h" for its flags.`)
}

// listCommands prints one line per command, by name, with its summary.
func listCommands(w io.Writer, cmds map[string]*command) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, cmds[n].summary)
	}
}
