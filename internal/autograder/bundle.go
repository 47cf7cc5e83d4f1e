package autograder

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"distlab/internal/runner"
)

// ConfigFile is the name of the bundle's settings file.
const ConfigFile = "distlab-autograder.json"

// Config is the bundle's settings, in its distlab-autograder.json.
type Config struct {
	Lab     string `json:"lab"`     // the lab's folder in the module, "raft"
	Rubric  string `json:"rubric"`  // the rubric's file name in the bundle
	Race    bool   `json:"race"`    // build the tests with the race detector
	Timeout string `json:"timeout"` // per run, a Go duration ("10m")
}

// Bundle says what to put in an autograder bundle.
type Bundle struct {
	Module string // the module's root folder (holding go.mod)
	Lab    string // the lab's folder, relative to Module ("raft")
	Rubric string // the rubric file (.toml or .json)
	Race   bool
	// Timeout is the time limit of each run, a Go duration; "" for the
	// runner's default.
	Timeout string
}

// Write writes the bundle as a zip to w. The rubric is checked first (a
// bad rubric should fail here, not on every submission); the lab must be a
// folder of the module with tests.
func (b Bundle) Write(w io.Writer) error {
	if _, err := runner.LoadRubric(b.Rubric); err != nil {
		return err
	}
	rubric, err := os.ReadFile(b.Rubric)
	if err != nil {
		return err
	}
	lab := filepath.ToSlash(filepath.Clean(b.Lab))
	if lab == "." || strings.HasPrefix(lab, "../") || filepath.IsAbs(b.Lab) {
		return fmt.Errorf("the lab must be a package folder inside the module, not %q", b.Lab)
	}
	if tests, _ := filepath.Glob(filepath.Join(b.Module, lab, "*_test.go")); len(tests) == 0 {
		return fmt.Errorf("%s has no tests in %s", b.Module, lab)
	}
	cfg := Config{Lab: lab, Rubric: "rubric" + strings.ToLower(filepath.Ext(b.Rubric)), Race: b.Race, Timeout: b.Timeout}
	cfgJSON, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return err
	}
	z := zip.NewWriter(w)
	add := func(name string, mode fs.FileMode, data []byte) error {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		h.SetMode(mode)
		f, err := z.CreateHeader(h)
		if err != nil {
			return err
		}
		_, err = f.Write(data)
		return err
	}
	for _, f := range []struct {
		name string
		mode fs.FileMode
		data []byte
	}{
		{"setup.sh", 0o755, []byte(setupScript(lab))},
		{"run_autograder", 0o755, []byte(runScript)},
		{ConfigFile, 0o644, append(cfgJSON, '\n')},
		{cfg.Rubric, 0o644, rubric},
	} {
		if err := add(f.name, f.mode, f.data); err != nil {
			return err
		}
	}
	if err := addModule(b.Module, func(rel string, mode fs.FileMode, data []byte) error {
		return add("module/"+rel, mode, data)
	}); err != nil {
		return err
	}
	return z.Close()
}

// addModule calls add for every file of the module rooted at root: not
// hidden files or folders (.git), not nested modules (their own go.mod),
// not distlab's output folders.
func addModule(root string, add func(rel string, mode fs.FileMode, data []byte) error) error {
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		return fmt.Errorf("%s is not a module root (no go.mod): %w", root, err)
	}
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		name := d.Name()
		if d.IsDir() {
			if path == root {
				return nil
			}
			if strings.HasPrefix(name, ".") || name == "distlab-out" {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil && !strings.Contains(filepath.ToSlash(rel), "/testdata/") && !strings.HasPrefix(filepath.ToSlash(rel), "testdata/") {
				return filepath.SkipDir // a module of its own (bench/)
			}
			return nil
		}
		if strings.HasPrefix(name, ".") || !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return add(filepath.ToSlash(rel), info.Mode().Perm(), data)
	})
}

// setupScript is the bundle's setup.sh, for the lab.
func setupScript(lab string) string {
	return `#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image
# (written by distlab autograder). Choose a base image whose Go package is
# 1.21 or later (Ubuntu 24.04, Debian 13): older go commands cannot fetch the
# toolchain that go.mod asks for.
set -euo pipefail
root="${AUTOGRADER_ROOT:-/autograder}"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends golang-go ca-certificates git
# The distribution's go fetches the toolchain go.mod names when it is newer.
export GOTOOLCHAIN=auto
cd "$root/source/module"
go version
go build -o "$root/distlab" ./cmd/distlab
# Warm the build cache so that grading compiles only the submission.
go test -c -o /dev/null ./` + lab + `
`
}

// runScript is the bundle's run_autograder.
const runScript = `#!/usr/bin/env bash
# Gradescope runs this for each submission (written by distlab autograder).
# It grades $AUTOGRADER_ROOT/submission (default /autograder) against the
# bundle's rubric and writes $AUTOGRADER_ROOT/results/results.json.
set -euo pipefail
root="${AUTOGRADER_ROOT:-/autograder}"
export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
if [ ! -x "$root/distlab" ]; then
	(cd "$root/source/module" && go build -o "$root/distlab" ./cmd/distlab)
fi
exec "$root/distlab" autograder -grade "$root"
`

// ReadConfig reads the settings of the bundle unpacked in source.
func ReadConfig(source string) (*Config, error) {
	b, err := os.ReadFile(filepath.Join(source, ConfigFile))
	if err != nil {
		return nil, fmt.Errorf("not an unpacked distlab autograder bundle: %w", err)
	}
	var c Config
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%s: %w", ConfigFile, err)
	}
	if c.Lab == "" || c.Rubric == "" {
		return nil, fmt.Errorf("%s: lab and rubric must be set", ConfigFile)
	}
	return &c, nil
}
