package porcupine

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// The page is one HTML file with its style, script and data inline, so it
// opens from disk or an artefact store with no network access.
var (
	//go:embed assets/visualize.html
	vizHTML string
	//go:embed assets/visualize.css
	vizCSS string
	//go:embed assets/visualize.js
	vizJS string
)

// Visualize writes an HTML page that shows a checked history: one lane per
// client with each operation as a bar from its call to its return (a
// pending one open-ended), the annotations on the same time axis (on their
// client's lane or on a lane per tag), and for each partition its
// linearization, or its longest partial one, with the model's state after
// every step. For a partition that is not linearizable the operation that
// cannot follow that partial linearization is marked, and the page can jump
// to the first such problem. Hovering or clicking an operation shows its
// details.
//
// info is what a Verbose check returned (plus any AddAnnotations). The
// model's Describe functions render operations and states; its Init and
// Step replay the linearizations. The page is self-contained (inline style,
// script and data; no network access) and stays responsive with thousands
// of operations: time is drawn by rank (every distinct timestamp gets the
// same room; hover shows the real times). Times are shown as durations when
// info has a unit (LinearizationInfo.SetTimeUnit), else as raw integers.
//
// A panic in one of the model's functions is returned as an error.
func Visualize(model Model, info LinearizationInfo, output io.Writer) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("porcupine: visualising: a model function panicked: %v", r)
		}
	}()
	data, err := computeVizData(model, info)
	if err != nil {
		return fmt.Errorf("porcupine: visualising: %w", err)
	}
	var buf bytes.Buffer
	if err := writeVizPage(&buf, data); err != nil {
		return fmt.Errorf("porcupine: visualising: %w", err)
	}
	if _, err := output.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("porcupine: writing the visualisation: %w", err)
	}
	return nil
}

// VisualizePath writes the page of Visualize to the file at path.
func VisualizePath(model Model, info LinearizationInfo, path string) error {
	var buf bytes.Buffer
	if err := Visualize(model, info, &buf); err != nil {
		return err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("porcupine: writing the visualisation: %w", err)
	}
	return nil
}

func writeVizPage(w *bytes.Buffer, data *vizData) error {
	// encoding/json escapes <, > and & in strings, so the data cannot close
	// its script element.
	js, err := json.Marshal(data)
	if err != nil {
		return err
	}
	title := map[string]string{
		"ok":      "Linearizable history",
		"illegal": "Non-linearizable history",
		"unknown": "Undecided history",
	}[data.Verdict]
	page := strings.NewReplacer(
		"{{TITLE}}", title,
		"/*{{CSS}}*/", vizCSS,
		"/*{{JS}}*/", vizJS,
	).Replace(vizHTML)
	before, after, ok := strings.Cut(page, "{{DATA}}")
	if !ok {
		return fmt.Errorf("the page template has no {{DATA}} placeholder")
	}
	w.WriteString(before)
	w.Write(js)
	w.WriteString(after)
	return nil
}
