package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"distlab/labtest/chaos"
)

// The Kubernetes Job and the GitHub Actions workflow under docs/ are run by
// users as they are: these tests parse them and check that every distlab
// command line in them is one distlab accepts (its subcommand, its flags,
// its packages) and that their shard counts agree.

const repoRoot = "../.."

func readYAML(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, path))
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, yaml.Unmarshal(data, &doc), "%s is not YAML", path)
	return doc
}

// at walks a parsed YAML document along keys (strings) and indices (ints).
func at(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			require.True(t, ok, "want a mapping holding %q, have %T", k, v)
			v, ok = m[k]
			require.True(t, ok, "no key %q", k)
		case int:
			l, ok := v.([]any)
			require.True(t, ok, "want a list, have %T", v)
			require.Less(t, k, len(l))
			v = l[k]
		}
	}
	return v
}

func strs(t *testing.T, v any) []string {
	t.Helper()
	l, ok := v.([]any)
	require.True(t, ok, "want a list of strings, have %T", v)
	var out []string
	for _, x := range l {
		out = append(out, toString(x))
	}
	return out
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	}
	return ""
}

var flagLine = regexp.MustCompile(`(?m)^  -([A-Za-z0-9_.-]+)(?: (\S+))?`)

// flagsOf returns the flags a command's help lists, each with whether it
// takes a value.
func flagsOf(helpArgs ...string) map[string]bool {
	var out, errb bytes.Buffer
	run(helpArgs, &out, &errb)
	flags := map[string]bool{}
	for _, m := range flagLine.FindAllStringSubmatch(out.String()+errb.String(), -1) {
		flags[m[1]] = m[2] != ""
	}
	return flags
}

// commandLineError says what is wrong with args (after "distlab"): a
// subcommand distlab lacks, a flag it lacks, a package that does not exist.
func commandLineError(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("distlab without a subcommand")
	}
	name := args[0]
	if _, ok := commands[name]; !ok {
		return fmt.Errorf("distlab has no subcommand %q", name)
	}
	rest := args[1:]
	help := []string{name, "-h"}
	if name == "chaos" {
		if len(rest) == 0 {
			return fmt.Errorf("distlab chaos without a target")
		}
		known := false
		for _, l := range chaos.Labs() {
			known = known || l.Name == rest[0]
		}
		if !known {
			return fmt.Errorf("distlab chaos has no target %q", rest[0])
		}
		help, rest = []string{"chaos", rest[0], "-h"}, rest[1:]
	}
	flags := flagsOf(help...)
	if len(flags) == 0 {
		return fmt.Errorf("distlab %s lists no flags", strings.Join(help[:len(help)-1], " "))
	}
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		if a == "-args" {
			break
		}
		if strings.HasPrefix(a, "-") {
			f, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
			takes, ok := flags[f]
			if !ok {
				return fmt.Errorf("distlab %s has no flag -%s", name, f)
			}
			if takes && !hasValue {
				if i++; i == len(rest) {
					return fmt.Errorf("-%s needs a value", f)
				}
			}
			continue
		}
		switch name {
		case "test", "mutants", "autograder":
			if st, err := os.Stat(filepath.Join(repoRoot, a)); err != nil || !st.IsDir() {
				return fmt.Errorf("distlab %s: no package %s", name, a)
			}
		}
	}
	return nil
}

func checkCommandLine(t *testing.T, where string, args []string) {
	t.Helper()
	require.NoError(t, commandLineError(args), "%s: distlab %s", where, strings.Join(args, " "))
}

func TestTheCommandLineCheckRefusesWhatDistlabWould(t *testing.T) {
	require.NoError(t, commandLineError([]string{"test", "-n", "3", "-race", "-json", "x.json", "./raft"}))
	require.NoError(t, commandLineError([]string{"chaos", "kvraft", "-seed", "3"}))
	for args, want := range map[string]string{
		"frob":                 `no subcommand "frob"`,
		"test -nope ./raft":    "no flag -nope",
		"test -n":              "-n needs a value",
		"test ./nosuch":        "no package ./nosuch",
		"chaos nosuch -seed 1": `no target "nosuch"`,
		"merge -o":             "-o needs a value",
	} {
		require.ErrorContains(t, commandLineError(strings.Fields(args)), want, args)
	}
}

// distlabArgs returns the arguments after "go run ./cmd/distlab" or
// "distlab" in argv, and whether argv runs distlab at all.
func distlabArgs(argv []string) ([]string, bool) {
	for i, a := range argv {
		if a == "./cmd/distlab" || filepath.Base(a) == "distlab" {
			return argv[i+1:], true
		}
	}
	return nil, false
}

func TestTheKubernetesIndexedJobsRunValidDistlabShards(t *testing.T) {
	for _, path := range []string{"docs/kubernetes/distlab-test-job.yaml", "docs/kubernetes/distlab-chaos-job.yaml"} {
		t.Run(filepath.Base(path), func(t *testing.T) { checkIndexedJob(t, path) })
	}
}

func checkIndexedJob(t *testing.T, path string) {
	doc := readYAML(t, path)
	require.Equal(t, "Job", at(t, doc, "kind"))
	spec := at(t, doc, "spec")
	require.Equal(t, "Indexed", at(t, spec, "completionMode"), "each pod needs its JOB_COMPLETION_INDEX")
	completions := at(t, spec, "completions").(int)
	containers := at(t, spec, "template", "spec", "containers").([]any)
	found := 0
	for i := range containers {
		c := at(t, containers, i)
		argv := append(strs(t, at(t, c, "command")), strs(t, at(t, c, "args"))...)
		args, ok := distlabArgs(argv)
		if !ok {
			continue
		}
		found++
		shards := ""
		for _, e := range at(t, c, "env").([]any) {
			if at(t, e, "name") == "DISTLAB_SHARDS" {
				shards = toString(at(t, e, "value"))
			}
		}
		require.Equal(t, strconv.Itoa(completions), shards, "DISTLAB_SHARDS must equal completions")
		joined := strings.Join(args, " ")
		require.Contains(t, joined, "$(JOB_COMPLETION_INDEX)", "each pod writes a file of its own")
		checkCommandLine(t, path, strings.Fields(strings.ReplaceAll(joined, "$(JOB_COMPLETION_INDEX)", "0")))
	}
	require.NotZero(t, found, "%s runs no distlab command", path)
}

var expression = regexp.MustCompile(`\$\{\{[^}]*\}\}`)

func TestTheGitHubActionsMatrixRunsValidDistlabShardsAndMergesThem(t *testing.T) {
	const path = "docs/github/distlab-shards.yml"
	doc := readYAML(t, path)
	jobs := at(t, doc, "jobs").(map[string]any)
	shard := jobs["shard"]
	require.NotNil(t, shard, "a job named shard")
	matrix := strs(t, at(t, shard, "strategy", "matrix", "shard"))
	for i, v := range matrix {
		require.Equal(t, strconv.Itoa(i), v, "the matrix counts shards from 0")
	}
	require.Equal(t, "${{ matrix.shard }}/"+strconv.Itoa(len(matrix)), at(t, shard, "env", "DISTLAB_SHARD"),
		"DISTLAB_SHARD names this shard of as many as the matrix has")
	var subcommands []string
	for name, job := range jobs {
		for _, step := range at(t, job, "steps").([]any) {
			script, _ := step.(map[string]any)["run"].(string)
			for _, line := range strings.Split(script, "\n") {
				args, ok := distlabArgs(strings.Fields(expression.ReplaceAllString(line, "0")))
				if !ok {
					continue
				}
				checkCommandLine(t, path+" job "+name, args)
				subcommands = append(subcommands, args[0])
			}
		}
	}
	require.ElementsMatch(t, []string{"test", "chaos", "merge", "merge"}, subcommands, "the shards test and run a campaign, the last job merges both")
}
