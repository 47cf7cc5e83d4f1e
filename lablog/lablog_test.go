package lablog

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// capture sends log output to a buffer for the rest of the test and
// restores the whole configuration afterwards.
func capture(t *testing.T) *bytes.Buffer {
	t.Helper()
	saved := cur.Load()
	t.Cleanup(func() { cur.Store(saved) })
	var buf bytes.Buffer
	SetOutput(&buf)
	return &buf
}

func TestQuietByDefault(t *testing.T) {
	for _, spec := range []string{"", "0", "off", "false"} {
		all, topics := parseTopics(spec)
		if all || len(topics) != 0 {
			t.Errorf("DISTLAB_VERBOSE=%q turns logging on", spec)
		}
	}
	buf := capture(t)
	SetTopics("")
	For(1).Printf("VOTE", "hidden")
	if buf.Len() != 0 {
		t.Fatalf("printed %q while quiet", buf.String())
	}
}

func TestLineFormatIsMillisecondsTopicPeerMessage(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		buf := capture(t)
		SetTopics("1")
		SetEpoch(time.Now())
		time.Sleep(1234 * time.Millisecond)
		For(3).Printf("VOTE", "granted to S%d in term %d", 1, 7)
		if got, want := buf.String(), "1234 VOTE S3 granted to S1 in term 7\n"; got != want {
			t.Fatalf("line = %q, want %q", got, want)
		}
	})
}

func TestTopicsSelectWhatIsPrinted(t *testing.T) {
	buf := capture(t)
	SetTopics("vote, LEAD")
	l := For(0)
	l.Printf("VOTE", "a")
	l.Printf("APPEND", "b")
	l.Printf("LEAD", "c")
	out := buf.String()
	if !strings.Contains(out, "VOTE S0 a") || !strings.Contains(out, "LEAD S0 c") || strings.Contains(out, "APPEND") {
		t.Fatalf("topics VOTE,LEAD printed %q", out)
	}
	if !Enabled(0, "VOTE") || Enabled(0, "APPEND") {
		t.Fatal("Enabled disagrees with the topic list")
	}
	if !l.On("VOTE") || l.On("APPEND") {
		t.Fatal("Logger.On disagrees with the topic list")
	}
}

func TestPeerFilterLimitsOutputToChosenPeers(t *testing.T) {
	buf := capture(t)
	SetTopics("all")
	update(func(c *config) { c.peers, _ = parsePeers("0, S2") })
	for id := 0; id < 3; id++ {
		For(id).Printf("X", "from %d", id)
	}
	out := buf.String()
	if !strings.Contains(out, "S0 from 0") || !strings.Contains(out, "S2 from 2") || strings.Contains(out, "S1") {
		t.Fatalf("peers 0,2 printed %q", out)
	}
	if p, _ := parsePeers(" "); p != nil {
		t.Fatal("an empty peer list must mean every peer")
	}
}

func TestPeerListTyposAreReportedNotSilentlySilencing(t *testing.T) {
	peers, bad := parsePeers("1,x, two")
	if len(peers) != 1 || !peers[1] {
		t.Fatalf("parsePeers(\"1,x, two\") kept %v, want peer 1", peers)
	}
	if strings.Join(bad, " ") != `"x" "two"` {
		t.Fatalf("reported %q as bad, want \"x\" and \"two\"", bad)
	}
	if peers, bad := parsePeers("x"); peers != nil || len(bad) != 1 {
		t.Fatalf("a list without a valid id gave %v, %v; want every peer and one bad entry", peers, bad)
	}
}

func TestSlogRecordsUseTheSameFormat(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		buf := capture(t)
		SetTopics("commit")
		SetEpoch(time.Now())
		For(2).Slog().Info("applied", "topic", "commit", "index", 5)
		For(2).Slog().With("term", 3).Info("ignored", "topic", "other")
		if got, want := buf.String(), "0 COMMIT S2 applied index=5\n"; got != want {
			t.Fatalf("slog line = %q, want %q", got, want)
		}
	})
}

func TestConcurrentLoggingKeepsLinesWhole(t *testing.T) {
	buf := capture(t)
	SetTopics("1")
	var wg sync.WaitGroup
	for p := 0; p < 8; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				For(p).Printf("T", "%s", strings.Repeat(fmt.Sprint(p), 50))
			}
		}()
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 800 {
		t.Fatalf("%d lines, want 800", len(lines))
	}
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) != 4 || len(f[3]) != 50 || strings.Trim(f[3], f[3][:1]) != "" || "S"+f[3][:1] != f[2] {
			t.Fatalf("torn or malformed line %q", l)
		}
	}
}
