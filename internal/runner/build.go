package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// ErrUnknownPackage is returned when a package pattern names nothing.
var ErrUnknownPackage = errors.New("unknown package")

// A Package is one package whose tests are run, with its test binary.
type Package struct {
	ImportPath string   // e.g. "distlab/raft"
	Dir        string   // the package's source folder; runs start here, as under go test
	Binary     string   // the test binary, built once
	Tests      []string // the selected tests, in the binary's order
}

// goList describes the packages that the patterns name, in the order go
// list gives. A pattern that names no package is an error naming it.
func goList(ctx context.Context, dir string, patterns []string) ([]*Package, error) {
	args := append([]string{"list", "-e", "-json=ImportPath,Dir,Error,TestGoFiles,XTestGoFiles"}, patterns...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list %s: %w\n%s", strings.Join(patterns, " "), err, strings.TrimSpace(stderr.String()))
	}
	var pkgs []*Package
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p struct {
			ImportPath   string
			Dir          string
			Error        *struct{ Err string }
			TestGoFiles  []string
			XTestGoFiles []string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("reading go list output: %w", err)
		}
		if p.Error != nil {
			return nil, fmt.Errorf("%w %q: %s", ErrUnknownPackage, p.ImportPath, strings.TrimSpace(p.Error.Err))
		}
		if p.Dir == "" {
			return nil, fmt.Errorf("%w: pattern %q matches no packages", ErrUnknownPackage, p.ImportPath)
		}
		if len(p.TestGoFiles)+len(p.XTestGoFiles) == 0 {
			continue // nothing to test; go test says "no test files"
		}
		pkgs = append(pkgs, &Package{ImportPath: p.ImportPath, Dir: p.Dir})
	}
	return pkgs, nil
}

// build compiles p's test binary into tmp, with the extra go build flags.
func build(ctx context.Context, dir, tmp string, p *Package, race bool, flags []string) error {
	name := strings.NewReplacer("/", "_", ".", "_").Replace(p.ImportPath) + ".test"
	p.Binary = filepath.Join(tmp, name)
	return buildTestBinary(ctx, "go", dir, p.ImportPath, p.Binary, race, flags)
}

// BuildTestBinary compiles the tests of the package pkg (an import path or
// a pattern naming one package, resolved in dir) into the binary bin with
// goCmd test -c, with the race detector if race, and the extra go build
// flags (e.g. -overlay). Compiler errors are returned whole, since the
// user has to read them. distlab test and distlab replay build with it.
func BuildTestBinary(ctx context.Context, goCmd, dir, pkg, bin string, race bool, flags ...string) error {
	return buildTestBinary(ctx, goCmd, dir, pkg, bin, race, flags)
}

func buildTestBinary(ctx context.Context, goCmd, dir, pkg, bin string, race bool, flags []string) error {
	args := []string{"test", "-c", "-o", bin}
	if race {
		args = append(args, "-race")
	}
	args = append(append(args, flags...), pkg)
	cmd := exec.CommandContext(ctx, goCmd, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("building the tests of %s: %w\n%s", pkg, err, strings.TrimRight(string(out), "\n"))
	}
	if _, err := os.Stat(bin); err != nil {
		return fmt.Errorf("building the tests of %s: go test -c wrote no binary (a package without tests?):\n%s", pkg, out)
	}
	return nil
}

// listTests fills p.Tests with the tests, fuzz targets and examples of p's
// binary whose whole name matches re.
func listTests(ctx context.Context, p *Package, re *regexp.Regexp) error {
	cmd := exec.CommandContext(ctx, p.Binary, "-test.list", ".")
	cmd.Dir = p.Dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return fmt.Errorf("listing the tests of %s: %w\n%s%s", p.ImportPath, err, out, stderr.Bytes())
		}
		return fmt.Errorf("listing the tests of %s: %w", p.ImportPath, err)
	}
	p.Tests = nil
	for _, name := range strings.Fields(string(out)) {
		if strings.HasPrefix(name, "Benchmark") || !isTestName(name) {
			continue
		}
		if re == nil || re.MatchString(name) {
			p.Tests = append(p.Tests, name)
		}
	}
	return nil
}

func isTestName(s string) bool {
	for _, prefix := range []string{"Test", "Fuzz", "Example"} {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

// splitRun splits a -run pattern at its slashes, as go test does: the first
// part selects top-level tests, the others subtests level by level. It
// returns the top-level pattern and the -test.run suffix that anchors each
// subtest level ("" when there is none).
func splitRun(pattern string) (top, sub string, err error) {
	parts := strings.Split(pattern, "/")
	for i, p := range parts[1:] {
		if _, err := regexp.Compile(p); err != nil {
			return "", "", fmt.Errorf("bad -run pattern %q (level %d): %w", pattern, i+2, err)
		}
		sub += "/^(?:" + p + ")$"
	}
	return parts[0], sub, nil
}

// anchored compiles pattern so that it must match a test's whole name, as
// the user means by "-run TestElection" (not TestElectionAfterCrash too).
func anchored(pattern string) (*regexp.Regexp, error) {
	if pattern == "" {
		return nil, nil
	}
	re, err := regexp.Compile("^(?:" + pattern + ")$")
	if err != nil {
		return nil, fmt.Errorf("bad -run pattern %q: %w", pattern, err)
	}
	return re, nil
}

// findTest2json returns the path of the test2json tool, building it if the
// Go installation has none yet.
func findTest2json(ctx context.Context, dir string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", "tool", "-n", "test2json")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("finding go tool test2json: %w\n%s", err, out)
	}
	return strings.TrimSpace(string(out)), nil
}
