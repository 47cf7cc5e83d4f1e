// Package checkcmd is the logic of "distlab check": read a history file,
// check it for linearizability against a model, print the verdict, the time
// taken and, for a history that is not linearizable, the shortest story of
// why; optionally write the HTML visualisation.
package checkcmd

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"distlab/porcupine"
	"distlab/porcupine/models"
)

// Exit statuses of the command.
const (
	ExitOK      = 0 // linearizable
	ExitIllegal = 1 // not linearizable
	ExitOther   = 2 // unknown (timeout), or bad flags or input
)

// Env is what the command talks to; tests replace the clock.
type Env struct {
	Stdout, Stderr io.Writer
	// Now is the clock used to time the check; nil means time.Now.
	Now func() time.Time
}

const usageLine = "usage: distlab check [-model NAME] [-format auto|json|jepsen|edn] [-timeout D] [-html OUT.html] [-steps N] FILE"

func usage(fs *flag.FlagSet, w io.Writer) {
	fmt.Fprintln(w, usageLine)
	fmt.Fprint(w, `
Check a history file for linearizability and print the verdict, the time
taken and, if the history is not linearizable, the longest linearizable
prefix of the offending partition (each operation with the state after it)
and the operation that cannot follow it. Exit status: 0 linearizable,
1 not linearizable, 2 unknown (timeout) or bad input.

Flags:
`)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fmt.Fprintf(w, `
Formats:
  json    ours (what distlab's tests write):
            {"version": 1, "model": "kv", "time_unit": "ns", "metadata": {...},
             "operations": [{"client": 0, "call": 10, "return": 25,
                             "input": {...}, "output": {...}}, ...],
             "annotations": [{"tag": "network", "start": 12, "end": 30,
                              "description": "partition"}, ...]}
          Times are integers; "time_unit" (optional: "ns", "us", "ms" or "s")
          says in what, and -html then shows them as durations ("379.3 ms");
          without it they are shown as they are. An operation without
          "return" is pending: it may take effect at any time after its
          call, or never.
          Annotations (faults) are drawn by -html: "client": N puts one on a
          client's lane, "tag" on a lane of its own; without "end" it is a
          point in time. "details", "text_color", "background_color" optional.
  jepsen  Jepsen etcd logs: "INFO  jepsen.util - 3	:invoke	:cas	[1 4]" (model register)
  edn     EDN key/value logs: {:process 0, :type :invoke, :f :get, :key "6", :value nil} (model kv)
          In both, :fail means the operation did not happen (it is dropped),
          :info that its outcome is unknown (it is pending).

Models (the "input"/"output" JSON of each; field names are case-insensitive):
%s`, modelUsage())
}

func modelUsage() string {
	var b strings.Builder
	for _, m := range models.All() {
		label := m.Name
		if len(m.Aliases) > 0 {
			label += " (also " + strings.Join(m.Aliases, ", ") + ")"
		}
		fmt.Fprintf(&b, "  %s\n\t%s\n", label, m.Summary)
	}
	return b.String()
}

// modelNames lists the models' names and aliases, sorted, for messages.
func modelNames() string {
	var names []string
	for _, m := range models.All() {
		names = append(names, m.Name)
		names = append(names, m.Aliases...)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// Run runs "distlab check" with args (the arguments after "check") and
// returns the exit status.
func Run(args []string, env Env) int {
	now := env.Now
	if now == nil {
		now = time.Now
	}
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	modelName := fs.String("model", "", "the model: "+modelNames()+"\n(default: the history file's \"model\", else register for jepsen and kv for edn)")
	formatName := fs.String("format", "auto", "the history file's format: auto, json, jepsen or edn")
	timeout := fs.Duration("timeout", 0, "give up after this long and answer unknown (exit 2); 0 means no limit")
	htmlOut := fs.String("html", "", "write the HTML visualisation of the check to this file")
	steps := fs.Int("steps", 20, "show at most this many steps of the linearizable prefix (its last ones); 0 shows all")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(fs, env.Stdout)
			return ExitOK
		}
		return badInput(env, "%v", err)
	}
	if fs.NArg() != 1 {
		if fs.NArg() == 0 {
			return badInput(env, "no history file given")
		}
		return badInput(env, "one history file at a time; got %d: %s", fs.NArg(), strings.Join(fs.Args(), " "))
	}
	if *steps < 0 {
		return badInput(env, "-steps %d: expected 0 (all) or more", *steps)
	}
	format, err := porcupine.ParseHistoryFormat(*formatName)
	if err != nil {
		return badInput(env, "-format: %v", err)
	}
	path := fs.Arg(0)
	data, err := os.ReadFile(path)
	if err != nil {
		return badInput(env, "cannot read the history file: %v", err)
	}
	if format == porcupine.FormatAuto {
		if format, err = porcupine.DetectHistoryFormat(data); err != nil {
			return badInput(env, "%s: %v", path, err)
		}
	}
	h, err := porcupine.ReadHistory(bytes.NewReader(data), path, format)
	if err != nil {
		return badInput(env, "%v", err)
	}
	name := *modelName
	if name == "" {
		name = h.Model
	}
	if name == "" {
		return badInput(env, "the history names no model; pass -model (one of %s)", modelNames())
	}
	cm, ok := models.Lookup(name)
	if !ok {
		return badInput(env, "unknown model %q; expected one of %s", name, modelNames())
	}
	ops, err := h.ToOperations(cm.Decode)
	if err != nil {
		return badInput(env, "%s: the history does not fit model %s: %v", path, cm.Name, err)
	}

	w := env.Stdout
	fmt.Fprintf(w, "history: %s (%s, model %s): %s\n", path, format, cm.Name, describeHistory(ops, h))
	start := now()
	result, info := porcupine.CheckOperationsVerbose(cm.Model, ops, *timeout)
	elapsed := now().Sub(start)
	info.AddAnnotations(h.ToAnnotations())
	info.SetTimeUnit(h.Unit())

	status := ExitOK
	switch result {
	case porcupine.Ok:
		fmt.Fprintf(w, "verdict: linearizable (checked in %v)\n", round(elapsed))
	case porcupine.Illegal:
		status = ExitIllegal
		fmt.Fprintf(w, "verdict: NOT linearizable (checked in %v)\n", round(elapsed))
	default:
		status = ExitOther
		fmt.Fprintf(w, "verdict: unknown: the check stopped after %v (-timeout %v) before deciding\n", round(elapsed), *timeout)
	}
	if result == porcupine.Illegal {
		if err := tellStory(w, cm.Model, info, *steps, h.Unit()); err != nil {
			return failed(env, "explaining the verdict: %v", err)
		}
	}
	if *htmlOut != "" {
		if err := porcupine.VisualizePath(cm.Model, info, *htmlOut); err != nil {
			return failed(env, "%v", err)
		}
		fmt.Fprintf(w, "visualisation: %s\n", *htmlOut)
	}
	return status
}

func describeHistory(ops []porcupine.Operation, h *porcupine.History) string {
	clients := map[int]bool{}
	pending := 0
	for _, op := range ops {
		clients[op.ClientId] = true
		if op.Pending() {
			pending++
		}
	}
	s := plural(len(ops), "operation")
	if pending > 0 {
		s += fmt.Sprintf(" (%d pending)", pending)
	}
	s += ", " + plural(len(clients), "client")
	if len(h.Annotations) > 0 {
		s += ", " + plural(len(h.Annotations), "annotation")
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// round shortens a duration for people: three significant digits.
func round(d time.Duration) time.Duration {
	for unit := time.Duration(1); unit < time.Hour; unit *= 10 {
		if d < 1000*unit {
			return d.Round(unit)
		}
	}
	return d.Round(time.Second)
}

// badInput reports a problem with how the command was called.
func badInput(env Env, format string, args ...any) int {
	fmt.Fprintf(env.Stderr, "distlab check: "+format+"\n", args...)
	fmt.Fprintln(env.Stderr, usageLine)
	fmt.Fprintln(env.Stderr, `Run "distlab check -h" for the flags, the formats and the models.`)
	return ExitOther
}

// failed reports a problem with the input file or the output.
func failed(env Env, format string, args ...any) int {
	fmt.Fprintf(env.Stderr, "distlab check: "+format+"\n", args...)
	return ExitOther
}
