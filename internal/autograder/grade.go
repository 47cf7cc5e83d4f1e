package autograder

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"distlab/internal/runner"
)

// Grade grades the submission in root/submission with the bundle unpacked
// in root/source, and writes root/results/results.json. Progress and the
// score table go to out. It returns an error only when no results.json
// could be written; a submission that does not build gets a results.json
// scoring nothing, with the compiler's message.
func Grade(ctx context.Context, root string, out io.Writer) error {
	source := filepath.Join(root, "source")
	cfg, err := ReadConfig(source)
	if err != nil {
		return err
	}
	rubric, err := runner.LoadRubric(filepath.Join(source, cfg.Rubric))
	if err != nil {
		return err
	}
	var timeout time.Duration
	if cfg.Timeout != "" {
		if timeout, err = time.ParseDuration(cfg.Timeout); err != nil {
			return fmt.Errorf("%s: timeout %q: %w", ConfigFile, cfg.Timeout, err)
		}
	}
	results := filepath.Join(root, "results", "results.json")
	if err := os.MkdirAll(filepath.Dir(results), 0o755); err != nil {
		return err
	}
	fail := func(why string) error {
		fmt.Fprintln(out, why)
		return writeResults(results, func(w io.Writer) error { return runner.WriteGradescopeFailure(w, rubric, why) })
	}
	work, err := os.MkdirTemp("", "distlab-grade-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if err := copyTree(filepath.Join(source, "module"), work); err != nil {
		return fmt.Errorf("copying the bundle's module: %w", err)
	}
	files, err := submissionFiles(filepath.Join(root, "submission"), filepath.Base(cfg.Lab))
	if err != nil {
		return fail(err.Error())
	}
	if err := install(files, filepath.Join(work, cfg.Lab), out); err != nil {
		return err
	}
	o := runner.Options{
		Dir: work, Packages: []string{"./" + cfg.Lab}, Run: rubricTests(rubric), Runs: 1,
		RunsFor: rubric.RunsFor, Race: cfg.Race, Timeout: timeout,
		OutDir: filepath.Join(work, "distlab-out"), Progress: runner.NewPlainProgress(out),
	}
	rep, err := runner.Run(ctx, o)
	if err != nil && (rep == nil || errors.Is(err, runner.ErrNoTests)) {
		return fail("the submission could not be tested:\n" + err.Error())
	}
	runner.WriteTable(out, rep, cfg.Race)
	gs := rubric.Grades(rep)
	fmt.Fprintln(out)
	runner.WriteScores(out, gs)
	return writeResults(results, func(w io.Writer) error { return runner.WriteGradescope(w, gs, rep) })
}

// rubricTests is a -run pattern selecting the tests the rubric grades.
func rubricTests(r *runner.Rubric) string {
	var alts []string
	for _, it := range r.Items {
		if it.Test != "" {
			alts = append(alts, regexp.QuoteMeta(it.Test))
		} else {
			alts = append(alts, "(?:"+it.Tests+")")
		}
	}
	return strings.Join(alts, "|")
}

// submissionFiles finds the submitted Go files (not tests): those in the
// submission's folder named lab if it has one, else the one folder of the
// submission that holds Go files.
func submissionFiles(sub, lab string) ([]string, error) {
	byDir := map[string][]string{}
	err := filepath.WalkDir(sub, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != sub {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".go") && !strings.HasSuffix(d.Name(), "_test.go") {
			byDir[filepath.Dir(path)] = append(byDir[filepath.Dir(path)], path)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the submission: %w", err)
	}
	var dirs []string
	for d := range byDir {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, d := range dirs {
		if filepath.Base(d) == lab {
			return byDir[d], nil
		}
	}
	switch len(dirs) {
	case 0:
		return nil, fmt.Errorf("the submission holds no Go files: upload the .go files of your %s package", lab)
	case 1:
		return byDir[dirs[0]], nil
	}
	for i, d := range dirs {
		dirs[i], _ = filepath.Rel(sub, d)
	}
	return nil, fmt.Errorf("the submission holds Go files in several folders (%s) and none is named %s: upload only your %s package",
		strings.Join(dirs, ", "), lab, lab)
}

// install replaces the lab's non-test Go files by files.
func install(files []string, lab string, out io.Writer) error {
	old, err := filepath.Glob(filepath.Join(lab, "*.go"))
	if err != nil {
		return err
	}
	for _, f := range old {
		if !strings.HasSuffix(f, "_test.go") {
			if err := os.Remove(f); err != nil {
				return err
			}
		}
	}
	var names []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("reading the submission: %w", err)
		}
		if err := os.WriteFile(filepath.Join(lab, filepath.Base(f)), data, 0o644); err != nil {
			return err
		}
		names = append(names, filepath.Base(f))
	}
	fmt.Fprintf(out, "grading %s\n", strings.Join(names, " "))
	return nil
}

// copyTree copies the regular files under src to dst.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}

func writeResults(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
