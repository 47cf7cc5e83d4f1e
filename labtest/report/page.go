package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"
)

// The files a report writes into a folder.
const (
	JSONFile = "report.json" // the Document
	HTMLFile = "report.html" // the page
)

var (
	//go:embed assets/page.html
	pageHTML string
	//go:embed assets/page.js
	pageJS string
	//go:embed assets/page.css
	pageCSS string
)

// Page returns the self-contained HTML page of d: its markup, style,
// script and data in one file, with no reference to anything outside it.
func Page(d *Document) ([]byte, error) {
	data, err := d.Marshal()
	if err != nil {
		return nil, fmt.Errorf("encoding the report's data: %w", err)
	}
	// encoding/json escapes <, > and &, so the data cannot end its
	// <script> element early.
	title := d.Test
	if title == "" {
		title = strings.Join(d.Command, " ")
	}
	var b bytes.Buffer
	b.Grow(len(data) + len(pageJS) + len(pageCSS) + len(pageHTML))
	r := strings.NewReplacer("{{.Title}}", html.EscapeString(title), "{{.Style}}", pageCSS,
		"{{.Data}}", string(data), "{{.Script}}", pageJS)
	r.WriteString(&b, pageHTML)
	return b.Bytes(), nil
}

// Write writes d to dir as report.json and report.html, and returns the
// page's path.
func Write(dir string, d *Document) (string, error) {
	js, err := d.Marshal()
	if err != nil {
		return "", fmt.Errorf("encoding the report: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, JSONFile), js, 0o644); err != nil {
		return "", fmt.Errorf("writing the report's data: %w", err)
	}
	return writePage(dir, d)
}

// Rebuild reads dir/report.json and writes dir/report.html from it, and
// returns the page's path. A damaged report.json is named with the place
// of the damage (see Load).
func Rebuild(dir string) (string, error) {
	d, err := Load(filepath.Join(dir, JSONFile))
	if err != nil {
		return "", err
	}
	return writePage(dir, d)
}

func writePage(dir string, d *Document) (string, error) {
	page, err := Page(d)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, HTMLFile)
	if err := os.WriteFile(path, page, 0o644); err != nil {
		return "", fmt.Errorf("writing the report page: %w", err)
	}
	return path, nil
}
