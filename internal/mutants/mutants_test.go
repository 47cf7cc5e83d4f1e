package mutants

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const fixture = "testdata/lab"

func outcome(t *testing.T, r *Result, name string) *Outcome {
	t.Helper()
	for _, o := range r.Outcomes {
		if o.Mutant.Name == name {
			return o
		}
	}
	t.Fatalf("no outcome for mutant %s", name)
	return nil
}

func testOutcome(t *testing.T, o *Outcome, test string) TestOutcome {
	t.Helper()
	for _, to := range o.Tests {
		if to.Test == test {
			return to
		}
	}
	t.Fatalf("mutant %s: no runs of %s", o.Mutant.Name, test)
	return TestOutcome{}
}

// The fixture's seeded test uses seed = the run's number, so 30 runs fail
// exactly for seeds 11..20 against off-by-ten.
func TestEachMutantIsKilledByTheTestsThatCatchItAsOftenAsTheyDo(t *testing.T) {
	before, err := os.ReadFile(filepath.Join(fixture, "lab.go"))
	require.NoError(t, err)
	var lines []string
	res, err := Run(context.Background(), Options{Dir: fixture, Package: ".", Runs: 30, Baseline: true, Replays: 4,
		Progress: func(l string) { lines = append(lines, l) }})
	require.NoError(t, err)
	require.False(t, res.Interrupted)
	require.Len(t, res.Outcomes, 3)

	require.NotNil(t, res.Baseline)
	require.NoError(t, res.Baseline.Err)
	require.False(t, res.Baseline.Killed, "the unmutated fixture passes")
	require.Equal(t, 60, res.Baseline.Runs)

	min := outcome(t, res, "returns-min")
	require.True(t, min.Killed)
	require.Equal(t, TestOutcome{"TestMaxOfDistinctNumbers", 30, 30}, testOutcome(t, min, "TestMaxOfDistinctNumbers"))
	// Seed 20 gives Max(50, 50), which even the minimum gets right.
	require.Equal(t, TestOutcome{"TestMaxOfASeededPair", 30, 29}, testOutcome(t, min, "TestMaxOfASeededPair"))
	// The first failure replayed is one that printed a seed.
	require.Equal(t, "TestMaxOfASeededPair", min.First.Test)
	require.Equal(t, "1", min.First.Seed)

	ten := outcome(t, res, "off-by-ten")
	require.True(t, ten.Killed)
	require.Equal(t, TestOutcome{"TestMaxOfDistinctNumbers", 30, 0}, testOutcome(t, ten, "TestMaxOfDistinctNumbers"))
	require.Equal(t, TestOutcome{"TestMaxOfASeededPair", 30, 10}, testOutcome(t, ten, "TestMaxOfASeededPair"))
	require.Equal(t, "TestMaxOfASeededPair", ten.First.Test)
	require.Equal(t, 11, ten.First.Iteration)
	require.Equal(t, "11", ten.First.Seed)
	// Replayed under seed 11 the failure always comes back.
	require.NotNil(t, ten.Replay)
	require.NoError(t, ten.Replay.Err)
	require.Equal(t, ReplayOutcome{Test: "TestMaxOfASeededPair", Seed: "11", Runs: 4, Reproduced: 4}, *ten.Replay)

	eq := outcome(t, res, "equivalent")
	require.NoError(t, eq.Err)
	require.False(t, eq.Killed, "no test can tell an equivalent mutant")
	require.Equal(t, 60, eq.Runs)
	require.Nil(t, eq.Replay)

	after, err := os.ReadFile(filepath.Join(fixture, "lab.go"))
	require.NoError(t, err)
	require.Equal(t, string(before), string(after), "the working tree is never modified")
	require.Contains(t, strings.Join(lines, "\n"), "mutant 2/3 off-by-ten: killed by 1 of 2 tests, 10/60 runs failed")

	var table bytes.Buffer
	WriteTable(&table, res)
	for _, want := range []string{
		"returns-min  killed",
		"TestMaxOfDistinctNumbers 30/30",
		"TestMaxOfASeededPair 10/30",
		"equivalent   SURVIVED  0/60",
		"overall: 8/8 replays failed again (100%)", // both first failures of TestMaxOfASeededPair, at seed 1 and 11
		".: 2 of 3 mutants killed (67%)",
	} {
		require.Contains(t, table.String(), want)
	}

	var js bytes.Buffer
	require.NoError(t, WriteJSON(&js, res))
	var doc struct {
		Killed, Tested int
		Fidelity       *float64 `json:"replay_fidelity"`
		Mutants        []struct {
			Name   string
			Killed bool
			Tests  []TestOutcome
		}
	}
	require.NoError(t, json.Unmarshal(js.Bytes(), &doc))
	require.Equal(t, 2, doc.Killed)
	require.Equal(t, 3, doc.Tested)
	require.NotNil(t, doc.Fidelity)
	require.Equal(t, 1.0, *doc.Fidelity)
	require.Len(t, doc.Mutants, 3)
}

func TestTheCommandExitsNonZeroWhenAMutantSurvivesAndListsTheCatalogue(t *testing.T) {
	t.Chdir(fixture)
	var out, errb bytes.Buffer
	code := command(context.Background(), []string{"-m", "returns-min,equivalent", "-baseline=false", "-json", filepath.Join(t.TempDir(), "m.json"), "."}, &out, &errb)
	require.Equal(t, 1, code, "equivalent survives: %s%s", out.String(), errb.String())
	require.Contains(t, out.String(), "returns-min  killed")
	require.Contains(t, out.String(), "equivalent   SURVIVED")

	out.Reset()
	require.Equal(t, 0, command(context.Background(), []string{"-list", "."}, &out, &errb))
	require.Equal(t, "returns-min\n    Max returns the smaller number.\n"+
		"off-by-ten\n    Max returns b when a exceeds it by ten or less.\n"+
		"equivalent\n    Max prefers a on a tie: the same result.\n", out.String())
}

func TestTheCommandNamesWhatIsWrongWithItsArguments(t *testing.T) {
	t.Chdir(fixture)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "give one lab package"},
		{[]string{"-n", "0", "."}, "-n 0"},
		{[]string{"-replays", "-1", "."}, "-replays -1"},
		{[]string{"-m", "nope", "."}, `has no mutant "nope" (it has returns-min, off-by-ten, equivalent)`},
		{[]string{"./nosuch"}, "nosuch"},
	} {
		var out, errb bytes.Buffer
		require.Equal(t, 2, command(context.Background(), tc.args, &out, &errb), "%v", tc.args)
		require.Contains(t, errb.String(), tc.want, "%v", tc.args)
	}
}

func writeCatalogue(t *testing.T, toml string, files map[string]string) *Catalogue {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, CatalogueFile), []byte(toml), 0o644))
	for name, src := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644))
	}
	c, err := LoadCatalogue(dir)
	require.NoError(t, err)
	return c
}

func TestAnEditWhoseTextIsMissingOrNotUniqueOrThatBreaksTheSyntaxIsReportedByName(t *testing.T) {
	src := "package p\n\nfunc f(x int) int {\n\tif x > 0 {\n\t\treturn 1\n\t}\n\treturn 1\n}\n"
	c := writeCatalogue(t, `
[[mutant]]
name = "missing"
bug = "b"
[[mutant.edit]]
file = "p.go"
find = "if x < 0 {"
replace = "if x > 0 {"
[[mutant]]
name = "twice"
bug = "b"
[[mutant.edit]]
file = "p.go"
find = "return 1"
replace = "return 2"
[[mutant]]
name = "unparsable"
bug = "b"
[[mutant.edit]]
file = "p.go"
find = "if x > 0 {"
replace = "if x > 0 {{"
[[mutant]]
name = "two-edits"
bug = "b"
[[mutant.edit]]
file = "p.go"
find = "if x > 0 {"
replace = "if x >= 0 {"
[[mutant.edit]]
file = "p.go"
find = "if x >= 0 {\n\t\treturn 1"
replace = "if x >= 0 {\n\t\treturn 3"
`, map[string]string{"p.go": src})
	for name, want := range map[string]string{
		"missing":    "mutant missing edit 1: p.go no longer contains the text to find",
		"twice":      "mutant twice edit 1: p.go contains the text to find 2 times",
		"unparsable": "mutant unparsable: the mutated p.go does not parse",
	} {
		m, ok := c.Find(name)
		require.True(t, ok)
		_, err := c.Mutate(m)
		require.ErrorContains(t, err, want)
	}
	m, _ := c.Find("two-edits")
	files, err := c.Mutate(m)
	require.NoError(t, err, "a later edit sees the earlier ones")
	require.Contains(t, string(files[filepath.Join(filepath.Dir(c.Path), "p.go")]), "if x >= 0 {\n\t\treturn 3")
}

func TestABadCatalogueReportsEveryProblemAtOnce(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, CatalogueFile), []byte(`
[[mutant]]
name = "Bad Name"
bug = "b"
[[mutant.edit]]
file = "p.go"
find = "x"
replace = "y"
[[mutant]]
name = "same"
bug = ""
[[mutant]]
name = "same"
bug = "b"
[[mutant.edit]]
file = "/abs.go"
find = "x"
replace = "y"
`), 0o644))
	_, err := LoadCatalogue(dir)
	require.Error(t, err)
	for _, want := range []string{
		`mutant 1 ("Bad Name"): name must be lower-case`,
		`mutant 2 ("same"): no bug description`,
		`mutant 2 ("same"): no [[mutant.edit]]`,
		`mutant 3 ("same"): name used twice`,
		`mutant 3 ("same") edit 1: file must be a path relative to`,
	} {
		require.ErrorContains(t, err, want)
	}
	_, err = LoadCatalogue(t.TempDir())
	require.ErrorContains(t, err, "has no catalogue of mutants (mutants.toml)")
}

func TestKeepLeavesEachMutantsOverlayToRebuildIt(t *testing.T) {
	keep := t.TempDir()
	res, err := Run(context.Background(), Options{Dir: fixture, Package: ".", Mutants: []string{"returns-min"}, Keep: keep})
	require.NoError(t, err)
	o := outcome(t, res, "returns-min")
	require.True(t, o.Killed)
	require.Equal(t, filepath.Join(keep, "returns-min", "overlay.json"), o.Overlay)
	// The kept overlay still builds the mutant.
	cmd := exec.Command("go", "vet", "-overlay", o.Overlay, ".")
	cmd.Dir = fixture
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
}
