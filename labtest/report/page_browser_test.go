package report

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"distlab/internal/browsertest"
)

// openPage writes d's page to dir and returns its DOM after the script
// ran, opened from file:// with fragment (e.g. "#click=msg:3"), and fails
// the test if the page reported an error.
func openPage(t *testing.T, chromium, page, fragment string) (dom string, attrs map[string]string) {
	t.Helper()
	out, stderr := browsertest.Run(t, chromium, "--enable-logging=stderr", "--v=0", "--dump-dom", "file://"+page+fragment)
	if bytes.Contains(stderr, []byte("Uncaught")) {
		t.Fatalf("the page threw an error:\n%s", stderr)
	}
	dom = browsertest.Markup(out)
	attrs = map[string]string{}
	body := regexp.MustCompile(`<body([^>]*)>`).FindStringSubmatch(dom)
	if body == nil {
		t.Fatalf("no <body> in the DOM")
	}
	for _, m := range regexp.MustCompile(`data-([a-z0-9-]+)="([^"]*)"`).FindAllStringSubmatch(body[1], -1) {
		attrs[m[1]] = m[2]
	}
	if attrs["ready"] != "1" {
		t.Fatalf("the page's script did not finish (data-ready=%q)", attrs["ready"])
	}
	return dom, attrs
}

func TestPageShowsLanesMessagesLogsAndViolationsOfAKnownRunInABrowser(t *testing.T) {
	chromium := browsertest.Chromium(t)
	dir := browsertest.ArtifactDir(t, "report")
	d := knownRun()
	page, err := Write(dir, d)
	if err != nil {
		t.Fatal(err)
	}
	dom, attrs := openPage(t, chromium, page, "")

	checks := []struct {
		what, pattern string
		want          int
	}{
		{"a lane per server and client, and one for the cluster's partitions", `class="lane[^"]*" data-lane=`, 6},
		{"the client lanes", `class="lane client" data-lane="client-\d"`, 2},
		{"the partition's lane, from the fault table", `class="lane extra" data-lane="server network"`, 1},
		{"a log column per peer that logged", `class="logcol" data-lane="server-\d"`, 3},
		{"a marker per violation", `class="violation[^"]*" data-v="\d"`, 2},
		{"the first violation in time selected on open", `class="violation selected" data-v="1"`, 1},
		{"its text in the detail panel", `<dd class="vtext">election safety: S0 and S1 both led term 2</dd>`, 1},
		{"the verdict", `history: NOT LINEARIZABLE`, 1},
	}
	for _, c := range checks {
		if got := browsertest.Count(dom, c.pattern); got != c.want {
			t.Errorf("%s: %d matches of %s, want %d", c.what, got, c.pattern, c.want)
		}
	}
	if attrs["selected"] != "violation:1" {
		t.Errorf("selected on open: %q, want violation:1 (the earlier of the two)", attrs["selected"])
	}
	if got := attrs["shown"]; got != strconv.Itoa(len(d.Messages)) {
		t.Errorf("messages passing the (empty) filter: %s, want %d", got, len(d.Messages))
	}
	if attrs["sampled"] != "0" {
		t.Errorf("a small run's messages are sampled (data-sampled=%s)", attrs["sampled"])
	}
	// The view opens on the 4 s before and after the first violation:
	// here the whole 2 s run, every message drawn.
	if attrs["drawn"] != strconv.Itoa(len(d.Messages)) {
		t.Errorf("%s messages drawn, want all %d", attrs["drawn"], len(d.Messages))
	}
	if n := browsertest.Count(dom, `class="logline[^"]*" data-i="\d+"`); n != len(d.Logs) {
		t.Errorf("%d log lines shown, want all %d", n, len(d.Logs))
	}

	shot := filepath.Join(dir, "report.png")
	browsertest.Run(t, chromium, "--screenshot="+shot, "--window-size=1400,900", "file://"+page)
	png, err := os.ReadFile(shot)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("no screenshot at %s: %v", shot, err)
	}
	t.Logf("page: %s", page)
	t.Logf("screenshot: %s", shot)
}

func TestClickingAMessageSelectsItAndItsReply(t *testing.T) {
	chromium := browsertest.Chromium(t)
	d := knownRun()
	page, err := Write(t.TempDir(), d)
	if err != nil {
		t.Fatal(err)
	}
	// The vote at index k: a click at the middle of its arrow selects it.
	k := -1
	for i, m := range d.Messages {
		if d.Methods[m.Method] == "Raft.RequestVote" && m.Kind == 0 && m.Sent > 500e6 {
			k = i
			break
		}
	}
	dom, attrs := openPage(t, chromium, page, fmt.Sprintf("#click=msg:%d", k))
	if want := fmt.Sprintf("msg:%d", k); attrs["selected"] != want {
		t.Fatalf("after a click on message %d the selection is %q, want %q", k, attrs["selected"], want)
	}
	m := d.Messages[k]
	for _, want := range []string{"<h3>Message</h3>", fmt.Sprintf("<dd>#%d</dd>", m.Call), "<dd>Raft.RequestVote</dd>",
		"<dt>from</dt><dd>server-1</dd><dt>to</dt><dd>server-0</dd>", `<dd class="fate">delivered</dd>`} {
		if !strings.Contains(dom, want) {
			t.Errorf("the detail panel lacks %q", want)
		}
	}
}

func TestFiltersHideTheMessagesOfOtherMethodsAndPeers(t *testing.T) {
	chromium := browsertest.Chromium(t)
	d := knownRun()
	page, err := Write(t.TempDir(), d)
	if err != nil {
		t.Fatal(err)
	}
	count := func(keep func(m Message) bool) string {
		n := 0
		for _, m := range d.Messages {
			if keep(m) {
				n++
			}
		}
		return strconv.Itoa(n)
	}
	cases := []struct {
		fragment string
		want     string
	}{
		{"#method=Raft.RequestVote", count(func(m Message) bool { return m.Method == 1 })},
		{"#peer=server-2", count(func(m Message) bool { return m.From == 2 || m.To == 2 })},
		{"#method=KV.Put&peer=client-1", count(func(m Message) bool { return m.Method == 2 && (m.From == 4 || m.To == 4) })},
	}
	for _, c := range cases {
		_, attrs := openPage(t, chromium, page, c.fragment)
		if attrs["shown"] != c.want || attrs["drawn"] != c.want {
			t.Errorf("%s: %s messages pass the filter and %s are drawn, want %s", c.fragment, attrs["shown"], attrs["drawn"], c.want)
		}
	}
}

func TestClickingAnOperationHighlightsItsRPCs(t *testing.T) {
	chromium := browsertest.Chromium(t)
	page, err := Write(t.TempDir(), knownRun())
	if err != nil {
		t.Fatal(err)
	}
	dom, attrs := openPage(t, chromium, page, "#click=op:1")
	if attrs["selected"] != "op:1" {
		t.Fatalf("selection %q, want op:1", attrs["selected"])
	}
	// Client 1's put is one KV.Put call: its request and its reply.
	if !strings.Contains(dom, `<dd class="op-rpcs">2 messages, highlighted</dd>`) {
		t.Errorf("the operation's RPCs are not highlighted: %s", regexp.MustCompile(`(?s)<aside id="detail">.*?</aside>`).FindString(dom))
	}
}

func TestClickingAStateHighlightsWhatThePeerSentInThatTerm(t *testing.T) {
	chromium := browsertest.Chromium(t)
	d := knownRun()
	page, err := Write(t.TempDir(), d)
	if err != nil {
		t.Fatal(err)
	}
	// server-0 leads term 1 from 50 ms to the end of the run.
	dom, attrs := openPage(t, chromium, page, "#click=state:0.0")
	if attrs["selected"] != "state:0" {
		t.Fatalf("selection %q, want state:0", attrs["selected"])
	}
	sent := 0
	for _, m := range d.Messages {
		if m.From == 0 && m.Sent >= 50e6 {
			sent++
		}
	}
	if want := fmt.Sprintf(`<dd class="term-rpcs">50 ms – 2 s: %d messages sent, highlighted</dd>`, sent); !strings.Contains(dom, want) {
		t.Errorf("the detail panel lacks %q", want)
	}
}

// TestPageOfAHundredThousandMessagesDrawsASampleAndSaysSo opens a run of
// 100,000 messages: the whole run in view draws an even sample and says
// so; zoomed into 100 ms, every message is drawn.
func TestPageOfAHundredThousandMessagesDrawsASampleAndSaysSo(t *testing.T) {
	chromium := browsertest.Chromium(t)
	d := &Document{Version: Version, Test: "TestBig", End: 100e9,
		Lanes:   []Lane{{Name: "server-0"}, {Name: "server-1"}, {Name: "server-2"}, {Name: "server-3"}, {Name: "server-4"}},
		Methods: []string{"Raft.AppendEntries"}, Fates: []string{"delivered", "dropped"}}
	const n = 100_000
	for i := 0; i < n; i++ {
		at := int64(i) * 1e6 // one a millisecond
		d.Messages = append(d.Messages, Message{Call: int64(i/2 + 1), Kind: i % 2, From: i % 5, To: (i + 1) % 5, Sent: at, Arrived: at + 3e5, Bytes: 50, Fate: i % 7 % 2})
	}
	d.MessagesTotal, d.MessagesKept = n, n
	dir := browsertest.ArtifactDir(t, "report-big")
	page, err := Write(dir, d)
	if err != nil {
		t.Fatal(err)
	}
	dom, attrs := openPage(t, chromium, page, "")
	if attrs["shown"] != strconv.Itoa(n) || attrs["sampled"] != "1" {
		t.Errorf("whole run: %s messages pass the filter, sampled=%s; want %d, sampled", attrs["shown"], attrs["sampled"], n)
	}
	drawn, _ := strconv.Atoi(attrs["drawn"])
	if drawn < 5000 || drawn > 12000 {
		t.Errorf("whole run: %d messages drawn, want an even sample of 5,000 to 12,000", drawn)
	}
	if !strings.Contains(dom, "of the 100000 messages in view (an even sample); zoom in to see every one") {
		t.Error("the page does not say that it draws a sample")
	}
	_, attrs = openPage(t, chromium, page, "#window=50000000000,50100000000")
	if attrs["sampled"] != "0" || attrs["drawn"] != attrs["inview"] {
		t.Errorf("100 ms window: %s of %s messages drawn (sampled=%s), want all", attrs["drawn"], attrs["inview"], attrs["sampled"])
	}
	t.Logf("100,000 messages: first render in %s ms (in-page, machine loaded), page %s", attrs["render-ms"], page)
}

func TestClickingALogLineCentresTheAxisOnIt(t *testing.T) {
	chromium := browsertest.Chromium(t)
	d := knownRun()
	page, err := Write(t.TempDir(), d)
	if err != nil {
		t.Fatal(err)
	}
	k := len(d.Logs) - 1 // the VOTE line at 800 ms
	_, attrs := openPage(t, chromium, page, fmt.Sprintf("#click=log:%d", k))
	if attrs["selected"] != fmt.Sprintf("log:%d", k) {
		t.Fatalf("selection %q, want log:%d", attrs["selected"], k)
	}
	v0, _ := strconv.ParseInt(attrs["v0"], 10, 64)
	v1, _ := strconv.ParseInt(attrs["v1"], 10, 64)
	if mid := (v0 + v1) / 2; mid < d.Logs[k].At-1e6 || mid > d.Logs[k].At+1e6 {
		t.Errorf("the axis shows %d–%d ns, centred on %d, want centred on the line's %d", v0, v1, mid, d.Logs[k].At)
	}
}
