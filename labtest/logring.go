package labtest

import (
	"bytes"
	"io"
	"sync"
)

// logRingBytes bounds the per-peer log kept in memory with DISTLAB_LOG=1:
// the last 8 MiB of lines.
const logRingBytes = 8 << 20

// A ring keeps the most recent lines written to it, up to a byte limit,
// and optionally copies them on to tee.
type ring struct {
	mu    sync.Mutex
	limit int
	lines [][]byte
	size  int
	head  int // index of the oldest line kept
	tee   io.Writer
	prev  io.Writer // lablog's writer before the test, restored after
}

func newRing(limit int) *ring { return &ring{limit: limit} }

// Write stores p (one or more whole lines, as lablog writes them).
func (r *ring) Write(p []byte) (int, error) {
	r.mu.Lock()
	r.lines = append(r.lines, bytes.Clone(p))
	r.size += len(p)
	for r.size > r.limit && r.head < len(r.lines)-1 {
		r.size -= len(r.lines[r.head])
		r.lines[r.head] = nil
		r.head++
	}
	if r.head > 1024 && r.head > len(r.lines)/2 {
		r.lines = append([][]byte(nil), r.lines[r.head:]...)
		r.head = 0
	}
	tee := r.tee
	r.mu.Unlock()
	if tee != nil {
		tee.Write(p)
	}
	return len(p), nil
}

// Bytes returns the lines kept, oldest first.
func (r *ring) Bytes() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b bytes.Buffer
	for _, l := range r.lines[r.head:] {
		b.Write(l)
	}
	return b.Bytes()
}
