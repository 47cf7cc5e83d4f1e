package porcupine

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The page is tested in a real headless Chromium: --dump-dom prints the DOM
// after the page's script ran, --screenshot saves what a person would see.
// Without Chromium the test skips, unless DISTLAB_REQUIRE_BROWSER=1 (as in
// CI), where its absence is a failure. DISTLAB_CHROMIUM names the binary.

func chromiumOrSkip(t *testing.T) string {
	t.Helper()
	candidates := []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}
	if c := os.Getenv("DISTLAB_CHROMIUM"); c != "" {
		candidates = []string{c}
	}
	for _, c := range candidates {
		if path, err := exec.LookPath(c); err == nil {
			return path
		}
	}
	msg := fmt.Sprintf("no headless browser found (looked for %s): install Debian's chromium (apt-get install chromium) or set DISTLAB_CHROMIUM to run the browser test of the HTML view", strings.Join(candidates, ", "))
	if os.Getenv("DISTLAB_REQUIRE_BROWSER") == "1" {
		t.Fatal(msg + "; DISTLAB_REQUIRE_BROWSER=1 makes this a failure")
	}
	t.Skip(msg)
	return ""
}

// artifactDir is where the test leaves its page and screenshot for a person
// to look at: $DISTLAB_ARTIFACTS/porcupine if set, else a temporary folder.
func artifactDir(t *testing.T) string {
	t.Helper()
	if root := os.Getenv("DISTLAB_ARTIFACTS"); root != "" {
		dir := filepath.Join(root, "porcupine")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	return t.TempDir()
}

func runChromium(t *testing.T, chromium string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-crash-reporter", "--disable-breakpad", "--hide-scrollbars", "--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, chromium, append(base, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\nstderr:\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.Bytes()
}

var scriptOrStyle = regexp.MustCompile(`(?s)<script.*?</script>|<style>.*?</style>`)

// markup is the dumped DOM without the page's script and style, whose text
// would otherwise match the patterns looked for.
func markup(dom []byte) string { return scriptOrStyle.ReplaceAllString(string(dom), "") }

func count(t *testing.T, dom, pattern string) int {
	t.Helper()
	return len(regexp.MustCompile(pattern).FindAllStringIndex(dom, -1))
}

func TestVisualizationShowsLanesLinearizationAndErrorMarkerInABrowser(t *testing.T) {
	chromium := chromiumOrSkip(t)
	dir := artifactDir(t)
	page := filepath.Join(dir, "kv-illegal.html")
	info := illegalKVInfo(t)
	info.SetTimeUnit(time.Millisecond) // its times are 0 to 30: shown as "0 s" to "30 ms"
	if err := VisualizePath(vkModel, info, page); err != nil {
		t.Fatal(err)
	}
	url := "file://" + page
	dom := markup(runChromium(t, chromium, "--dump-dom", url))

	checks := []struct {
		what, pattern string
		want          int
	}{
		{"the script ran", `<body data-ready="1" data-verdict="illegal"`, 1},
		{"one lane per client", `class="lane client-lane" data-client="\d+"`, 4},
		{"a lane per annotation tag", `class="lane tag-lane" data-tag="(servers|network)"`, 2},
		{"every operation", `class="op[^"]*" (id="first-problem" )?data-op="\d:\d"`, 10},
		{"the pending operation, open-ended", `class="op pending[^"]*" data-op="1:2"`, 1},
		{"the longest partial linearization's steps", `<tr class="lin-step" data-step="\d"`, 4},
		{"the operation that cannot follow, marked", `class="op bad error-marker[^"]*" id="first-problem" data-op="0:4"`, 1},
		{"the failure row of the table", `<tr class="lin-fail[^"]*" id="lin-fail" data-op="0:4">`, 1},
		{"the annotations", `class="annotation [^"]*" data-ann="\d"`, 3},
		{"a fault band for the partition", `class="fault-band"`, 1},
		{"the path through the linearization points", `<circle class="lin-dot"`, 4},
		{"the state after a step", `<td class="state">"12"</td>`, 2},
		{"the verdict", `>NOT LINEARIZABLE<`, 1},
		{"the axis starts at 0 s", `<div class="tick" style="[^"]*">0 s</div>`, 1},
	}
	for _, c := range checks {
		if got := count(t, dom, c.pattern); got != c.want {
			t.Errorf("%s: %d matches of %s, want %d", c.what, got, c.pattern, c.want)
		}
	}

	// With a unit, the axis is labelled in durations, not raw integers.
	if n := count(t, dom, `<div class="tick" style="[^"]*">[12]?\d ms</div>`); n < 3 {
		t.Errorf("%d axis labels in ms, want at least 3", n)
	}
	if n := count(t, dom, `<div class="tick" style="[^"]*">\d+</div>`); n != 0 {
		t.Errorf("%d axis labels are bare integers though the unit is known", n)
	}

	// The jump to the first problem (also reachable as #first-problem in
	// the URL) selects the operation and describes it.
	jumped := markup(runChromium(t, chromium, "--dump-dom", url+"#first-problem"))
	for _, want := range []string{`class="op bad error-marker in-sel chosen`, `<h3>Operation</h3>`, `cannot follow the partial linearization`,
		`<dt>call</dt><dd>25 ms</dd><dt>return</dt><dd>30 ms</dd><dt>duration</dt><dd>5 ms</dd>`} {
		if !strings.Contains(jumped, want) {
			t.Errorf("after the jump to the first problem, the DOM lacks %q", want)
		}
	}

	shot := filepath.Join(dir, "kv-illegal.png")
	runChromium(t, chromium, "--screenshot="+shot, "--window-size=1400,900", url+"#first-problem")
	png, err := os.ReadFile(shot)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("no screenshot at %s: %v", shot, err)
	}
	t.Logf("page: %s", page)
	t.Logf("screenshot: %s", shot)
}

// TestVisualizationOfThousandsOfOperationsRendersInABrowser draws a big
// history (a few thousand operations on many clients, pending ones and
// hundreds of partitions) and checks that every bar is there.
func TestVisualizationOfThousandsOfOperationsRendersInABrowser(t *testing.T) {
	chromium := chromiumOrSkip(t)
	const clients, perClient = 40, 100
	var ops []Operation
	for c := 0; c < clients; c++ {
		for i := 0; i < perClient; i++ {
			call := int64(i*100 + c)
			op := Operation{ClientId: c, Input: vkIn{"append", fmt.Sprint("k", (c*perClient+i)%300), "x"}, Call: call, Output: vkOut{}, Return: call + 150}
			if i == perClient-1 && c%10 == 0 {
				op.Return = NoReturn
			}
			ops = append(ops, op)
		}
	}
	parts := vkModel.Partition(ops)
	info := LinearizationInfo{history: parts}
	for _, part := range parts {
		lin := make([]int, len(part))
		for i := range lin {
			lin[i] = i
		}
		info.partials = append(info.partials, [][]int{lin})
	}
	dir := artifactDir(t)
	page := filepath.Join(dir, "big.html")
	if err := VisualizePath(vkModel, info, page); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	dom := markup(runChromium(t, chromium, "--dump-dom", "file://"+page))
	t.Logf("Chromium loaded and drew %d operations in %v (page %s)", len(ops), time.Since(start).Round(time.Millisecond), page)
	if n := count(t, dom, `class="op[^"]*" data-op=`); n != len(ops) {
		t.Errorf("%d operation bars, want %d", n, len(ops))
	}
	if !strings.Contains(dom, `data-ready="1" data-verdict="ok"`) {
		t.Error("the page did not finish drawing")
	}
	// Without a unit the axis shows the raw integers.
	if n := count(t, dom, `<div class="tick" style="[^"]*">[\d\x{2009}]+</div>`); n < 10 {
		t.Errorf("%d axis labels are raw integers, want at least 10 (no time unit was given)", n)
	}
	if n := count(t, dom, `<div class="tick" style="[^"]*">[^<]* (s|ms|µs|ns)</div>`); n != 0 {
		t.Errorf("%d axis labels have a unit though none was given", n)
	}
}
