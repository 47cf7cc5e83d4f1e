// Package lablog is the per-peer debug log of distlab's peers and services.
//
// It is quiet by default and costs one atomic load per call when quiet.
// DISTLAB_VERBOSE turns it on: "1" (or "all") for every topic, or a list of
// topics such as "VOTE,LEAD". DISTLAB_VERBOSE_PEERS limits it to some peers
// ("0,2"; an entry that is not a peer number is reported and ignored). Each event is one line,
//
//	<virtual ms> <TOPIC> S<id> <message>
//
// where the time is milliseconds since the epoch (the start of the test; see
// SetEpoch), so that "distlab logs" can lay the lines out one column per peer.
//
// A Logger is a thin wrapper over a log/slog Logger whose handler writes that
// format; Slog returns it for code that prefers the slog API.
package lablog

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"distlab/internal/env"
)

// config is replaced as a whole, so a Logger reads it with one atomic load.
type config struct {
	all    bool
	topics map[string]bool
	peers  map[int]bool // nil: every peer
	out    io.Writer
	epoch  time.Time
}

var (
	cur   atomic.Pointer[config]
	outMu sync.Mutex // serialises writes to config.out
)

func init() {
	c := &config{out: os.Stderr, epoch: time.Now()}
	c.all, c.topics = parseTopics(env.VerboseTopics())
	var bad []string
	c.peers, bad = parsePeers(env.VerbosePeerList())
	if len(bad) > 0 {
		fmt.Fprintf(os.Stderr, "lablog: %s: %s not a peer number (want e.g. \"0,2\"); ignored\n",
			env.VerbosePeers, strings.Join(bad, ", "))
	}
	cur.Store(c)
}

func parseTopics(s string) (all bool, topics map[string]bool) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "", "0", "false", "off":
		return false, nil
	case "1", "true", "all", "on":
		return true, nil
	}
	topics = map[string]bool{}
	for _, t := range strings.Split(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			topics[strings.ToUpper(t)] = true
		}
	}
	return false, topics
}

// parsePeers parses a list of peer ids ("0,2"). It returns nil (every
// peer) for an empty list or one without a valid id, and the entries that
// are not ids, quoted, so that a typo does not silently silence the log.
func parsePeers(s string) (peers map[int]bool, bad []string) {
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		id, err := strconv.Atoi(strings.TrimPrefix(p, "S"))
		if err != nil {
			bad = append(bad, strconv.Quote(p))
			continue
		}
		if peers == nil {
			peers = map[int]bool{}
		}
		peers[id] = true
	}
	return peers, bad
}

func update(f func(c *config)) {
	c := *cur.Load()
	f(&c)
	cur.Store(&c)
}

// SetTopics turns logging on for the given topics ("1" or "all" for every
// topic, "" for none), overriding DISTLAB_VERBOSE.
func SetTopics(spec string) { update(func(c *config) { c.all, c.topics = parseTopics(spec) }) }

// SetOutput directs log lines to w (os.Stderr by default) and returns the
// previous writer. Writes to w are serialised.
func SetOutput(w io.Writer) io.Writer {
	var old io.Writer
	update(func(c *config) { old, c.out = c.out, w })
	return old
}

// SetEpoch sets the instant that log times count from. The test harness sets
// it to the start of each test, on the test's (virtual) clock.
func SetEpoch(t time.Time) { update(func(c *config) { c.epoch = t }) }

// Enabled reports whether lines of the topic from peer id are printed.
func Enabled(id int, topic string) bool { return cur.Load().enabled(id, topic) }

func (c *config) enabled(id int, topic string) bool {
	if !c.all && !c.topics[topic] {
		return false
	}
	return c.peers == nil || c.peers[id]
}

// A Logger writes one peer's lines. The zero Logger logs as peer 0. A Logger
// is safe for concurrent use.
type Logger struct {
	id int
}

// For returns the Logger of peer id.
func For(id int) *Logger { return &Logger{id: id} }

// On reports whether Printf prints lines of the topic from this Logger's
// peer. A hot path asks first: Printf's arguments are boxed into interface
// values before Printf can check the topic, and boxing an int above 255
// allocates (a kvraft chaos run saved 12,000 persists' worth of such
// allocations per run by asking).
func (l *Logger) On(topic string) bool { return cur.Load().enabled(l.id, topic) }

// Printf logs one event of the topic (a short upper-case word such as "VOTE")
// if that topic is enabled. The arguments are formatted only then.
func (l *Logger) Printf(topic, format string, args ...any) {
	c := cur.Load()
	if !c.enabled(l.id, topic) {
		return
	}
	c.write(l.id, topic, fmt.Sprintf(format, args...))
}

func (c *config) write(id int, topic, msg string) {
	ms := time.Since(c.epoch).Milliseconds()
	line := strconv.FormatInt(ms, 10) + " " + topic + " S" + strconv.Itoa(id) + " " + msg + "\n"
	outMu.Lock()
	io.WriteString(c.out, line)
	outMu.Unlock()
}

// Slog returns a log/slog Logger for peer id that writes the same format.
// The topic is the "topic" attribute (default "LOG"); other attributes are
// appended as key=value. Records are enabled at every level when the topic
// is, since the topic, not the level, selects what a user sees.
func (l *Logger) Slog() *slog.Logger { return slog.New(&handler{id: l.id}) }

type handler struct {
	id    int
	attrs []slog.Attr
}

func (h *handler) Enabled(context.Context, slog.Level) bool {
	c := cur.Load()
	return c.all || len(c.topics) > 0
}

func (h *handler) Handle(_ context.Context, r slog.Record) error {
	topic := "LOG"
	var b strings.Builder
	b.WriteString(r.Message)
	add := func(a slog.Attr) bool {
		if a.Key == "topic" {
			topic = strings.ToUpper(a.Value.String())
			return true
		}
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	}
	for _, a := range h.attrs {
		add(a)
	}
	r.Attrs(add)
	c := cur.Load()
	if c.enabled(h.id, topic) {
		c.write(h.id, topic, b.String())
	}
	return nil
}

func (h *handler) WithAttrs(as []slog.Attr) slog.Handler {
	return &handler{id: h.id, attrs: append(append([]slog.Attr(nil), h.attrs...), as...)}
}

func (h *handler) WithGroup(string) slog.Handler { return h }
