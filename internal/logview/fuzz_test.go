package logview

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzRenderKeepsEveryLineThatIsNotALogLine checks, for any input and any
// layout, that Render does not fail and that each line that is not a log
// line comes out whole.
func FuzzRenderKeepsEveryLineThatIsNotALogLine(f *testing.F) {
	f.Add(sampleLog, 3, 80, true)
	f.Add("12 VOTE S123456789012345678901234567890 x\n", 2, 30, false)
	f.Add("1 É S0 ééééééééééééééééééééééééééé\n\n  \n", 1, 1, true)
	f.Add("0 A S0\n0 A S1 \n", 4, 10, true)
	f.Fuzz(func(t *testing.T, in string, cols, width int, color bool) {
		cols, width = cols%16, width%400
		if cols < 0 {
			cols = -cols
		}
		var out bytes.Buffer
		_, err := Render(strings.NewReader(in), &out, Options{Columns: cols, Width: width, Color: color, Ignore: []string{"TIMR"}})
		if err != nil {
			if strings.Contains(err.Error(), "token too long") {
				return
			}
			t.Fatal(err)
		}
		for _, line := range strings.Split(in, "\n") {
			line = strings.TrimRight(line, "\r")
			if _, ok := parse(line); !ok && !strings.Contains(out.String(), line) {
				t.Fatalf("line %q was dropped", line)
			}
		}
	})
}
