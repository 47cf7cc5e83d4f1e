// Package browsertest runs distlab's HTML pages in a real headless
// Chromium for tests: --dump-dom prints the DOM after the page's script
// ran, --screenshot saves what a person would see.
//
// Without Chromium a test skips with a message saying how to install it,
// unless DISTLAB_REQUIRE_BROWSER=1 (as in CI), where its absence is a
// failure. DISTLAB_CHROMIUM names the binary.
package browsertest

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

// Chromium returns the path of a headless browser, or skips tb (fails it
// under DISTLAB_REQUIRE_BROWSER=1) when there is none.
func Chromium(tb testing.TB) string {
	tb.Helper()
	candidates := []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}
	if c := os.Getenv("DISTLAB_CHROMIUM"); c != "" {
		candidates = []string{c}
	}
	for _, c := range candidates {
		if path, err := exec.LookPath(c); err == nil {
			return path
		}
	}
	msg := fmt.Sprintf("no headless browser found (looked for %s): install Debian's chromium (apt-get install -y chromium) or set DISTLAB_CHROMIUM to run the browser tests of the HTML pages", strings.Join(candidates, ", "))
	if os.Getenv("DISTLAB_REQUIRE_BROWSER") == "1" {
		tb.Fatal(msg + "; DISTLAB_REQUIRE_BROWSER=1 makes this a failure")
	}
	tb.Skip(msg)
	return ""
}

// ArtifactDir is where a test leaves its pages and screenshots for a
// person to look at: $DISTLAB_ARTIFACTS/<sub> if set, else a temporary
// folder.
func ArtifactDir(tb testing.TB, sub string) string {
	tb.Helper()
	if root := os.Getenv("DISTLAB_ARTIFACTS"); root != "" {
		dir := filepath.Join(root, sub)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			tb.Fatal(err)
		}
		return dir
	}
	return tb.TempDir()
}

// Run runs the headless browser with args and returns its standard output
// and standard error (where, with --enable-logging=stderr, the page's
// console messages and uncaught errors appear).
func Run(tb testing.TB, chromium string, args ...string) (stdout, stderr []byte) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-crash-reporter", "--disable-breakpad", "--hide-scrollbars", "--user-data-dir=" + tb.TempDir()}
	cmd := exec.CommandContext(ctx, chromium, append(base, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		tb.Fatalf("chromium %s: %v\nstderr:\n%s", strings.Join(args, " "), err, errb.String())
	}
	return out.Bytes(), errb.Bytes()
}

var scriptOrStyle = regexp.MustCompile(`(?s)<script.*?</script>|<style>.*?</style>`)

// Markup is a dumped DOM without the page's scripts and style, whose text
// would otherwise match the patterns a test looks for.
func Markup(dom []byte) string { return scriptOrStyle.ReplaceAllString(string(dom), "") }

// Count counts the matches of the regular expression pattern in s.
func Count(s, pattern string) int { return len(regexp.MustCompile(pattern).FindAllStringIndex(s, -1)) }
