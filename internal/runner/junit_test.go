package runner

import (
	"bytes"
	"encoding/xml"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestJUnitStaysValidXMLWhateverTheOutput(t *testing.T) {
	r := &Result{Package: "p", Test: "TestX", Iteration: 1, Status: Fail, Wall: time.Second,
		Output: "\x1b[31mred\x1b[0m <tag> & \"quotes\" \x00\x16 ]]> done\n"}
	s := &Summary{Package: "p", Test: "TestX", Planned: 1}
	s.add(r)
	var buf bytes.Buffer
	require.NoError(t, WriteJUnit(&buf, &Report{Packages: []*Package{{ImportPath: "p"}}, Tests: []*Summary{s}}))
	var doc junitSuites
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &doc), "%s", buf.String())
	body := doc.Suites[0].Cases[0].Failure.Body
	require.Contains(t, body, "red")
	require.Contains(t, body, `<tag> & "quotes"`)
	require.Contains(t, body, "]]> done")
}
