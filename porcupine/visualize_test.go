package porcupine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The visualisation is tested on its own, with a small key/value model of
// the test's and linearizations written down by hand, so that a bug in the
// checker cannot hide one here (or the reverse).

type vkIn struct{ Op, Key, Value string }
type vkOut struct{ Value string }

func vkKey(op Operation) string { return op.Input.(vkIn).Key }

var vkModel = Model{
	Partition: func(h []Operation) [][]Operation {
		var keys []string
		byKey := map[string][]Operation{}
		for _, op := range h {
			k := vkKey(op)
			if _, ok := byKey[k]; !ok {
				keys = append(keys, k)
			}
			byKey[k] = append(byKey[k], op)
		}
		var parts [][]Operation
		for _, k := range keys {
			parts = append(parts, byKey[k])
		}
		return parts
	},
	Init: func() any { return "" },
	Step: func(state, input, output any) (bool, any) {
		in, s := input.(vkIn), state.(string)
		switch in.Op {
		case "get":
			return output == nil || output.(vkOut).Value == s, s
		case "put":
			return true, in.Value
		case "append":
			return true, s + in.Value
		}
		return false, s
	},
	DescribeOperation: func(input, output any) string {
		in := input.(vkIn)
		if in.Op == "get" {
			if output == nil {
				return fmt.Sprintf("get(%q) -> ?", in.Key)
			}
			return fmt.Sprintf("get(%q) -> %q", in.Key, output.(vkOut).Value)
		}
		return fmt.Sprintf("%s(%q, %q)", in.Op, in.Key, in.Value)
	},
	DescribeState: func(state any) string { return fmt.Sprintf("%q", state) },
}

// illegalKVInfo loads testdata/kv-illegal.json: key x has a stale read
// (client 1 reads "1" after client 3 read "12"), key y is linearizable
// only if client 2's pending append took effect.
func illegalKVInfo(t testing.TB) LinearizationInfo {
	t.Helper()
	h, err := ReadHistoryFile("testdata/kv-illegal.json", FormatAuto)
	if err != nil {
		t.Fatal(err)
	}
	ops, err := h.ToOperations(DecodeJSON[vkIn, vkOut]())
	if err != nil {
		t.Fatal(err)
	}
	parts := vkModel.Partition(ops)
	// x: put 1, get 1, append 2, get 12, get 1 (stale)
	// y: put a, get a, append b (pending), get ab, put c
	info := LinearizationInfo{history: parts, partials: [][][]int{
		{{0, 1, 2, 3}, {0, 2}},
		{{0, 1, 2, 3, 4}},
	}}
	info.AddAnnotations(h.ToAnnotations())
	return info
}

func TestVisualizeDataMarksTheOperationThatCannotFollow(t *testing.T) {
	d, err := computeVizData(vkModel, illegalKVInfo(t))
	if err != nil {
		t.Fatal(err)
	}
	if d.Verdict != "illegal" || d.FirstBad != 0 {
		t.Fatalf("verdict %q, first bad partition %d; want illegal, 0", d.Verdict, d.FirstBad)
	}
	x, y := d.Partitions[0], d.Partitions[1]
	if x.OK || x.Bad != 4 || x.Ops[x.Bad].Desc != `get("x") -> "1"` || x.BadState != `"12"` {
		t.Errorf("partition x: ok %v, bad %d (%s) after state %s; want the stale get (4) after \"12\"", x.OK, x.Bad, x.Ops[max(x.Bad, 0)].Desc, x.BadState)
	}
	if want := []string{`"1"`, `"1"`, `"12"`, `"12"`}; !reflect.DeepEqual(x.Lins[x.Best].States, want) {
		t.Errorf("states along x's longest partial linearization: %q, want %q", x.Lins[x.Best].States, want)
	}
	// The shorter partial is kept, and each op points at the longest holding it.
	if len(x.Lins) != 2 || x.Ops[2].Lin != x.Best || x.Ops[4].Lin != -1 {
		t.Errorf("x lins %d, op 2 in lin %d, op 4 in lin %d", len(x.Lins), x.Ops[2].Lin, x.Ops[4].Lin)
	}
	if !y.OK || y.Bad != -1 || y.PendingOut != 0 {
		t.Errorf("partition y: ok %v bad %d pendingOut %d; want linearizable", y.OK, y.Bad, y.PendingOut)
	}
	if pending := y.Ops[2]; pending.End != -1 || pending.Return != nil {
		t.Errorf("the pending append is drawn as %+v; want no end", pending)
	}
	var clients []int
	for _, l := range d.Clients {
		clients = append(clients, l.Client)
	}
	if !reflect.DeepEqual(clients, []int{0, 1, 2, 3}) || len(d.Tags) != 2 || d.Tags[0].Tag != "servers" || d.Tags[1].Tag != "network" {
		t.Errorf("lanes: clients %v, tags %+v", clients, d.Tags)
	}
	// Client 2's put/get and its pending append do not overlap: one row.
	if d.Clients[2].Rows != 1 {
		t.Errorf("client 2 needs %d rows, want 1", d.Clients[2].Rows)
	}
	crash := d.Annotations[2]
	if !crash.Point || crash.Client != 2 || crash.Tag != "" || crash.From != 18 {
		t.Errorf("crash annotation %+v", crash)
	}
	if d.T0 != "" || d.Times[0] != 0 {
		t.Errorf("small times shifted: t0 %q, first %d", d.T0, d.Times[0])
	}
}

func TestVisualizeShowsLargeTimestampsRelativeToTheFirst(t *testing.T) {
	base := int64(946684800) * 1e9 // 2000-01-01 in ns, as in a synctest bubble
	ops := []Operation{
		{ClientId: 0, Input: vkIn{"put", "k", "v"}, Call: base, Output: vkOut{}, Return: base + 5},
		{ClientId: 1, Input: vkIn{"get", "k", ""}, Call: base + 7, Output: vkOut{"v"}, Return: NoReturn},
	}
	info := LinearizationInfo{history: [][]Operation{ops}, partials: [][][]int{{{0, 1}}}}
	d, err := computeVizData(vkModel, info)
	if err != nil {
		t.Fatal(err)
	}
	if d.T0 != fmt.Sprint(base) || !reflect.DeepEqual(d.Times, []int64{0, 5, 7}) || *d.Partitions[0].Ops[0].Return != 5 {
		t.Errorf("t0 %q times %v", d.T0, d.Times)
	}
}

func TestOperationThatCannotFollowIsTheFirstToReturn(t *testing.T) {
	// A history where nothing can be linearized at all: every get reads a
	// value never written. The culprit is the first to return.
	ops := []Operation{
		{ClientId: 0, Input: vkIn{"get", "k", ""}, Call: 0, Output: vkOut{"a"}, Return: 10},
		{ClientId: 1, Input: vkIn{"get", "k", ""}, Call: 1, Output: vkOut{"b"}, Return: 5},
		{ClientId: 2, Input: vkIn{"put", "k", "z"}, Call: 2, Return: NoReturn},
	}
	info := LinearizationInfo{history: [][]Operation{ops}, partials: [][][]int{{{2}}}}
	d, err := computeVizData(vkModel, info)
	if err != nil {
		t.Fatal(err)
	}
	if p := d.Partitions[0]; p.OK || p.Bad != 1 {
		t.Errorf("ok %v, bad %d; want the get returning at 5 (op 1)", p.OK, p.Bad)
	}
	info.partials = [][][]int{{}}
	if d, _ = computeVizData(vkModel, info); d.Partitions[0].Bad != 1 || d.Partitions[0].BadState != `""` {
		t.Errorf("with no partial linearization: bad %d state %s", d.Partitions[0].Bad, d.Partitions[0].BadState)
	}
}

func TestVisualizePageIsSelfContainedAndEscapesItsData(t *testing.T) {
	info := illegalKVInfo(t)
	info.AddAnnotations([]Annotation{{Tag: "evil", Start: 1, Description: "</script><script>alert(1)</script>"}})
	var buf bytes.Buffer
	if err := Visualize(vkModel, info, &buf); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, bad := range []string{"<script src", "<link", "@import", "url(", "https://", "fetch(", "XMLHttpRequest", "{{"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q; it must need nothing from outside", bad)
		}
	}
	if strings.Contains(page, "</script><script>alert") {
		t.Error("an annotation closed the data's script element")
	}
	start := strings.Index(page, `<script type="application/json" id="viz-data">`)
	end := strings.Index(page[start:], "</script>")
	var d vizData
	if err := json.Unmarshal([]byte(page[start+len(`<script type="application/json" id="viz-data">`):start+end]), &d); err != nil {
		t.Fatalf("the embedded data is not JSON: %v", err)
	}
	if d.Annotations[3].Description != "</script><script>alert(1)</script>" {
		t.Errorf("annotation came through as %q", d.Annotations[3].Description)
	}
}

func TestVisualizeReturnsAPanickingModelAsAnError(t *testing.T) {
	m := vkModel
	m.DescribeState = func(any) string { panic("boom") }
	err := Visualize(m, illegalKVInfo(t), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "model function panicked: boom") {
		t.Fatalf("error %v", err)
	}
	info := illegalKVInfo(t)
	info.partials[0][0] = append(info.partials[0][0], 99)
	if err := Visualize(vkModel, info, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "operation id 99 out of range") {
		t.Fatalf("error %v", err)
	}
}

func TestVisualizePathWritesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.html")
	if err := VisualizePath(vkModel, illegalKVInfo(t), path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil || !bytes.HasPrefix(data, []byte("<!DOCTYPE html>")) {
		t.Fatalf("%v %.40q", err, data)
	}
	if err := VisualizePath(vkModel, illegalKVInfo(t), filepath.Join(t.TempDir(), "no", "such", "dir.html")); err == nil {
		t.Fatal("no error writing into a missing directory")
	}
}

func TestVisualizeEmptyHistory(t *testing.T) {
	var buf bytes.Buffer
	if err := Visualize(vkModel, LinearizationInfo{}, &buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"verdict":"ok"`) {
		t.Error("an empty history is not shown as linearizable")
	}
}

func TestExplainTellsTheLongestPrefixAndTheOperationThatCannotFollow(t *testing.T) {
	e, err := Explain(vkModel, illegalKVInfo(t))
	if err != nil {
		t.Fatal(err)
	}
	x, y := e.Partitions[0], e.Partitions[1]
	var story []string
	for _, s := range x.Steps {
		story = append(story, s.Description+" => "+s.State)
	}
	want := []string{`put("x", "1") => "1"`, `get("x") -> "1" => "1"`, `append("x", "2") => "12"`, `get("x") -> "12" => "12"`}
	if x.Linearizable || !reflect.DeepEqual(story, want) || x.CannotFollow != 4 || x.CannotFollowDescription != `get("x") -> "1"` {
		t.Errorf("x: linearizable %v, story %q, cannot follow %d %q", x.Linearizable, story, x.CannotFollow, x.CannotFollowDescription)
	}
	if !y.Linearizable || len(y.Steps) != 5 || y.CannotFollow != -1 || y.InitialState != `""` {
		t.Errorf("y: %+v", y)
	}
	m := vkModel
	m.DescribeOperation = func(any, any) string { panic("boom") }
	if _, err := Explain(m, illegalKVInfo(t)); err == nil || !strings.Contains(err.Error(), "panicked: boom") {
		t.Errorf("error %v", err)
	}
}

func TestFirstProblemIsTheOneThatComesFirstInTime(t *testing.T) {
	stale := func(c int, key string, t0 int64) []Operation {
		return []Operation{
			{ClientId: c, Input: vkIn{"put", key, "a"}, Call: t0, Output: vkOut{}, Return: t0 + 1},
			{ClientId: c, Input: vkIn{"get", key, ""}, Call: t0 + 2, Output: vkOut{"b"}, Return: t0 + 3},
		}
	}
	info := LinearizationInfo{history: [][]Operation{stale(0, "late", 50), stale(1, "early", 10)}, partials: [][][]int{{{0}}, {{0}}}}
	d, err := computeVizData(vkModel, info)
	if err != nil {
		t.Fatal(err)
	}
	if d.FirstBad != 1 {
		t.Errorf("first problem in partition %d, want 1 (its stale get returns at 13, the other's at 53)", d.FirstBad)
	}
}

func TestVisualizeClaimsNoCulpritInAnUndecidedPartition(t *testing.T) {
	info := illegalKVInfo(t)
	info.verdicts = []CheckResult{Unknown, Ok}
	d, err := computeVizData(vkModel, info)
	if err != nil {
		t.Fatal(err)
	}
	if x := d.Partitions[0]; d.Verdict != "unknown" || d.FirstBad != -1 || !x.Unknown || x.OK || x.Bad != -1 {
		t.Errorf("verdict %q first bad %d; x: unknown %v ok %v bad %d", d.Verdict, d.FirstBad, x.Unknown, x.OK, x.Bad)
	}
	e, err := Explain(vkModel, info)
	if err != nil || !e.Partitions[0].Unknown || e.Partitions[0].CannotFollow != -1 || len(e.Partitions[0].Steps) != 4 {
		t.Errorf("explanation %+v, %v", e.Partitions[0], err)
	}
	info.verdicts = []CheckResult{Illegal, Unknown}
	if d, _ = computeVizData(vkModel, info); d.Verdict != "illegal" || d.FirstBad != 0 {
		t.Errorf("an illegal partition beside an undecided one: verdict %q first bad %d", d.Verdict, d.FirstBad)
	}
}

func TestVisualizePageTitleFollowsTheVerdict(t *testing.T) {
	for _, tc := range []struct {
		verdicts []CheckResult
		title    string
	}{
		{nil, "<title>Non-linearizable history</title>"},
		{[]CheckResult{Unknown, Ok}, "<title>Undecided history</title>"},
	} {
		info := illegalKVInfo(t)
		info.verdicts = tc.verdicts
		var buf bytes.Buffer
		if err := Visualize(vkModel, info, &buf); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), tc.title) {
			t.Errorf("verdicts %v: page lacks %s", tc.verdicts, tc.title)
		}
	}
}

// pageData returns the data a page embeds for its script.
func pageData(t *testing.T, page string) vizData {
	t.Helper()
	const open = `<script type="application/json" id="viz-data">`
	start := strings.Index(page, open)
	if start < 0 {
		t.Fatal("the page embeds no data")
	}
	end := strings.Index(page[start:], "</script>")
	var d vizData
	if err := json.Unmarshal([]byte(page[start+len(open):start+end]), &d); err != nil {
		t.Fatalf("the embedded data is not JSON: %v", err)
	}
	return d
}

func TestVisualizePageCarriesTheTimeUnit(t *testing.T) {
	for _, tc := range []struct {
		unit time.Duration
		want int64
	}{{0, 0}, {-time.Second, 0}, {time.Nanosecond, 1}, {time.Microsecond, 1000}, {time.Millisecond, 1_000_000}, {time.Second, 1_000_000_000}} {
		info := illegalKVInfo(t)
		if tc.unit != 0 {
			info.SetTimeUnit(tc.unit)
		}
		var buf bytes.Buffer
		if err := Visualize(vkModel, info, &buf); err != nil {
			t.Fatal(err)
		}
		d := pageData(t, buf.String())
		if d.UnitNs != tc.want {
			t.Errorf("SetTimeUnit(%v): the page's unit is %d ns, want %d", tc.unit, d.UnitNs, tc.want)
		}
		// Unknown stays absent from the data: the page shows raw integers.
		if has := strings.Contains(buf.String(), `"unitNs":`); has != (tc.want != 0) {
			t.Errorf("SetTimeUnit(%v): unitNs in the page: %v", tc.unit, has)
		}
		// The times themselves are unchanged.
		if !reflect.DeepEqual(d.Times[:3], []int64{0, 2, 3}) {
			t.Errorf("SetTimeUnit(%v) changed the times: %v", tc.unit, d.Times[:3])
		}
	}
}
