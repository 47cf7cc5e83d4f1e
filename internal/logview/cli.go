package logview

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// Usage is the first line of "distlab logs -h".
const Usage = "usage: distlab logs [-c N] [-w WIDTH] [-color auto|always|never] [-only TOPICS] [-ignore TOPICS] [FILE|-]"

const help = `
Lay out the per-peer debug log of a test (the lines distlab/lablog prints
when DISTLAB_VERBOSE is set: "<ms> <TOPIC> S<id> <message>") for reading.
With -c N, each of N peers gets a column (S0 the first), so what the peers
did at about the same time reads across; long messages wrap within their
column. Without -c, lines are printed as they are, with coloured topics.
Lines that are not log lines (test output, a panic) are printed whole,
between the rows; -only and -ignore never drop them.

The log is read from FILE, or from standard input when FILE is "-" or
absent, and printed as it comes, so a running test can be piped in.
Topics are coloured when the output is a terminal (-color to choose).
go test shows a passing test's output only with -v, so add -v to see the
log of a test that passes.

Examples:

	DISTLAB_VERBOSE=1 go test -v -run TestNewLeaderElectedAfterLeaderDisconnects ./raft 2>&1 | distlab logs -c 3
	    follow a test's log, one column per peer
	distlab logs -c 5 -only VOTE,LEAD,TERM distlab-out/TestAgreementOnUnreliableNetwork-7.log
	    just the elections of a failing run that distlab test kept
	distlab logs -ignore TIMER,PERSIST -w 200 -color always run.log | less -R
	    everything but timers and persisting, 200 columns wide, in a pager

Flags:
`

// Command is "distlab logs": it parses args, renders the log and returns
// the process exit status.
func Command(args []string, stdout, stderr io.Writer) int {
	return command(args, os.Stdin, stdout, stderr)
}

func command(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("distlab logs", flag.ContinueOnError)
	var flagErr strings.Builder
	fs.SetOutput(&flagErr)
	fs.Usage = func() {
		for _, a := range args {
			if a == "-h" || a == "-help" || a == "--help" {
				fs.SetOutput(stdout)
				fmt.Fprintln(stdout, Usage)
				fmt.Fprint(stdout, help)
				fs.PrintDefaults()
				return
			}
		}
	}
	var o Options
	var color, only, ignore string
	fs.IntVar(&o.Columns, "c", 0, "lay the log out in `N` columns, one per peer (0: one line per event)")
	fs.IntVar(&o.Width, "w", 0, "output `WIDTH` in characters (default: the terminal's, else 160)")
	fs.StringVar(&color, "color", "auto", "colour topics: `auto` (on a terminal), always or never")
	fs.StringVar(&only, "only", "", "print only the log lines of these comma-separated `TOPICS`")
	fs.StringVar(&ignore, "ignore", "", "drop the log lines of these comma-separated `TOPICS`")
	bad := func(err error) int {
		fmt.Fprintf(stderr, "distlab logs: %v\n%s\nRun 'distlab logs -h' for help.\n", err, Usage)
		return 2
	}
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return 0
	} else if err != nil {
		return bad(err)
	}
	if fs.NArg() > 1 {
		return bad(fmt.Errorf("one log at a time, not %d (%s)", fs.NArg(), strings.Join(fs.Args(), " ")))
	}
	if o.Columns < 0 {
		return bad(fmt.Errorf("-c %d: want 0 or more columns", o.Columns))
	}
	if o.Width < 0 {
		return bad(fmt.Errorf("-w %d: want a positive width", o.Width))
	}
	tty := isTerminal(stdout)
	switch color {
	case "auto":
		o.Color = tty && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
	case "always":
		o.Color = true
	case "never":
	default:
		return bad(fmt.Errorf("-color %q: want auto, always or never", color))
	}
	if o.Width == 0 && tty {
		if w, _, err := term.GetSize(int(stdout.(*os.File).Fd())); err == nil {
			o.Width = w
		}
	}
	if only != "" {
		o.Only = []string{only}
	}
	if ignore != "" {
		o.Ignore = []string{ignore}
	}
	in := stdin
	if name := fs.Arg(0); name != "" && name != "-" {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(stderr, "distlab logs: %v\n", err)
			return 1
		}
		defer f.Close()
		in = f
	}
	st, err := Render(in, stdout, o)
	if err != nil {
		fmt.Fprintf(stderr, "distlab logs: %v\n", err)
		return 1
	}
	if st.Outside > 0 {
		fmt.Fprintf(stderr, "distlab logs: %d line(s) came from peers beyond the %d columns and were printed whole; raise -c\n", st.Outside, o.Columns)
	}
	return 0
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
