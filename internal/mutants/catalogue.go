package mutants

import (
	"encoding/json"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"
)

// CatalogueFile is the name of a lab's catalogue, in the lab's folder.
const CatalogueFile = "mutants.toml"

// A Mutant is one planted bug: a named set of edits to the lab's source.
type Mutant struct {
	Name  string // short, unique in its catalogue: "vote-ignores-log"
	Bug   string // the student bug it plants, in a sentence or two
	Edits []Edit `toml:"edit"`
}

// An Edit replaces the one occurrence of Find in File by Replace.
//
// Find is code text, not a line number, so that an edit survives
// unrelated changes to the file; it must occur exactly once, so that a
// refactor which moves or duplicates it is reported instead of silently
// mutating something else.
type Edit struct {
	File    string // relative to the catalogue's folder ("election.go", "../rsm/apply.go")
	Find    string
	Replace string
}

// A Catalogue is a lab's list of mutants, read from its mutants.toml.
type Catalogue struct {
	Path    string   // the file it was read from (absolute)
	Mutants []Mutant `toml:"mutant"`
}

var nameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// LoadCatalogue reads the catalogue of the lab in folder dir. It checks
// what can be checked without the source: every mutant has a unique
// lower-case name, a description and at least one edit with a file and a
// text to find that differs from its replacement.
func LoadCatalogue(dir string) (*Catalogue, error) {
	path, err := filepath.Abs(filepath.Join(dir, CatalogueFile))
	if err != nil {
		return nil, err
	}
	c := &Catalogue{Path: path}
	md, err := toml.DecodeFile(path, c)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s has no catalogue of mutants (%s): write one to measure its tests", dir, CatalogueFile)
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if un := md.Undecoded(); len(un) > 0 {
		return nil, fmt.Errorf("%s: unknown key %q (a mutant has name, bug and [[mutant.edit]] tables of file, find, replace)", path, un[0].String())
	}
	if len(c.Mutants) == 0 {
		return nil, fmt.Errorf("%s lists no [[mutant]]", path)
	}
	seen := map[string]bool{}
	var problems []string
	for i, m := range c.Mutants {
		where := fmt.Sprintf("mutant %d (%q)", i+1, m.Name)
		switch {
		case !nameRe.MatchString(m.Name):
			problems = append(problems, where+": name must be lower-case letters, digits and dashes")
		case seen[m.Name]:
			problems = append(problems, where+": name used twice")
		}
		seen[m.Name] = true
		if strings.TrimSpace(m.Bug) == "" {
			problems = append(problems, where+": no bug description")
		}
		if len(m.Edits) == 0 {
			problems = append(problems, where+": no [[mutant.edit]]")
		}
		for j, e := range m.Edits {
			switch {
			case e.File == "" || filepath.IsAbs(e.File):
				problems = append(problems, fmt.Sprintf("%s edit %d: file must be a path relative to %s", where, j+1, filepath.Dir(path)))
			case e.Find == "":
				problems = append(problems, fmt.Sprintf("%s edit %d: nothing to find", where, j+1))
			case e.Find == e.Replace:
				problems = append(problems, fmt.Sprintf("%s edit %d: the replacement is the text itself", where, j+1))
			}
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s:\n  %s", path, strings.Join(problems, "\n  "))
	}
	return c, nil
}

// Find returns the mutant named name.
func (c *Catalogue) Find(name string) (Mutant, bool) {
	for _, m := range c.Mutants {
		if m.Name == name {
			return m, true
		}
	}
	return Mutant{}, false
}

// Mutate returns the mutated contents of each file m edits, by absolute
// path. The files are read, never written. Each edit's text must occur
// exactly once in the file as the earlier edits left it, and the result
// must still parse as Go: otherwise the error names the mutant, the file
// and what went wrong, so a refactor that breaks the catalogue is found.
func (c *Catalogue) Mutate(m Mutant) (map[string][]byte, error) {
	base := filepath.Dir(c.Path)
	files := map[string][]byte{}
	for j, e := range m.Edits {
		path := filepath.Clean(filepath.Join(base, e.File))
		src, ok := files[path]
		if !ok {
			b, err := os.ReadFile(path)
			if err != nil {
				return nil, fmt.Errorf("mutant %s edit %d: %w", m.Name, j+1, err)
			}
			src = b
		}
		switch n := strings.Count(string(src), e.Find); n {
		case 1:
		case 0:
			return nil, fmt.Errorf("mutant %s edit %d: %s no longer contains the text to find (has the code changed? update %s):\n%s",
				m.Name, j+1, e.File, filepath.Base(c.Path), indent(e.Find))
		default:
			return nil, fmt.Errorf("mutant %s edit %d: %s contains the text to find %d times; make it longer so it is unique:\n%s",
				m.Name, j+1, e.File, n, indent(e.Find))
		}
		files[path] = []byte(strings.Replace(string(src), e.Find, e.Replace, 1))
	}
	for path, src := range files {
		if _, err := parser.ParseFile(token.NewFileSet(), path, src, parser.SkipObjectResolution); err != nil {
			return nil, fmt.Errorf("mutant %s: the mutated %s does not parse: %w", m.Name, filepath.Base(path), err)
		}
	}
	return files, nil
}

// WriteOverlay writes m's mutated files into dir and an overlay file for
// go build's -overlay flag that substitutes them for the originals, and
// returns the overlay file's path. The working tree is never touched: the
// build reads the mutated copies in dir instead.
func (c *Catalogue) WriteOverlay(m Mutant, dir string) (string, error) {
	files, err := c.Mutate(m)
	if err != nil {
		return "", err
	}
	overlay := struct{ Replace map[string]string }{Replace: map[string]string{}}
	i := 0
	for path, src := range files {
		i++
		copyPath := filepath.Join(dir, fmt.Sprintf("%d-%s", i, filepath.Base(path)))
		if err := os.WriteFile(copyPath, src, 0o644); err != nil {
			return "", fmt.Errorf("mutant %s: %w", m.Name, err)
		}
		overlay.Replace[path] = copyPath
	}
	b, err := json.Marshal(overlay)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return "", fmt.Errorf("mutant %s: %w", m.Name, err)
	}
	return path, nil
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}
