package labrpc

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"reflect"
	"sync"
	"time"
)

// A link is the directed path from one end name to one server name. It owns
// the link's random stream and the gob streams that copy its requests and
// replies.
type link struct {
	key  linkKey
	hash uint64 // of the end and server names, for seeding

	mu  sync.Mutex // guards rng
	rng *rand.Rand // nil until first use after (re)seeding

	faults *Faults // guarded by Network.mu; nil: fall back to the end's
	req    codec
	reply  codec
}

type linkKey struct {
	end, server interface{}
}

// noServer is the server name of an end's link while it is not connected.
type noServerName struct{}

func nameHash(parts ...interface{}) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		fmt.Fprintf(h, "%T:%v\x00", p, p)
	}
	return h.Sum64()
}

// mix is the splitmix64 finaliser: it spreads a seed over all 64 bits.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func newRand(seed int64, h uint64) *rand.Rand {
	return rand.New(rand.NewPCG(mix(uint64(seed)^h), mix(h+uint64(seed)*0x632be59bd9b4e019)))
}

// decide draws the decisions for one call with the given settings.
func (l *link) decide(seed int64, f *Faults, reliable, longReordering bool) decision {
	if f == nil && reliable && !longReordering {
		return decision{} // nothing to draw
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.rng == nil {
		l.rng = newRand(seed, l.hash)
	}
	if f != nil {
		return f.decide(l.rng)
	}
	return classicDecide(l.rng, reliable, longReordering)
}

func (l *link) failDelay(seed int64, longDelays bool) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.rng == nil {
		l.rng = newRand(seed, l.hash)
	}
	return failDelay(l.rng, longDelays)
}

// maxIdleBuffer is the largest message after which a codec keeps its gob
// stream. gob's encoder and decoder each keep a buffer as large as the
// largest message they have carried, so after a bigger message the codec
// starts a fresh stream: a delivered message's bytes are never kept, and a
// 10 MiB value leaves nothing behind on the link (the classic memory tests
// measure the heap with the network alive). The price is the type
// information sent again with the next message on that link, which
// GetTotalBytes counts.
const maxIdleBuffer = 64 << 10

// A codec is one direction of a link seen as a gob stream, like a TCP
// connection: an encoder and a decoder over one buffer, so that type
// information crosses once per stream and each message costs only its
// values. A message is encoded and immediately decoded under mu, which
// keeps the stream in order whatever the callers' interleaving.
type codec struct {
	mu  sync.Mutex
	buf bytes.Buffer
	enc *gob.Encoder
	dec *gob.Decoder
}

// copy encodes src and decodes it into dst (a pointer Value, or an invalid
// Value to discard), returning the encoded size. It reports whether it
// opened the stream.
func (c *codec) copy(src interface{}, dst reflect.Value) (n int, opened bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.enc == nil {
		c.enc = gob.NewEncoder(&c.buf)
		c.dec = gob.NewDecoder(&c.buf)
		opened = true
	}
	if err := c.enc.Encode(src); err != nil {
		c.reset()
		return 0, opened, err
	}
	n = c.buf.Len()
	err = c.dec.DecodeValue(dst) // an invalid dst discards the value
	if err != nil || c.buf.Len() != 0 || n > maxIdleBuffer {
		c.reset()
	}
	return n, opened, err
}

// reset starts a fresh stream: after an error, which may have left half a
// message in the buffer, and after a big message, whose size the buffer,
// the encoder and the decoder would otherwise keep.
func (c *codec) reset() {
	c.buf = bytes.Buffer{}
	c.enc, c.dec = nil, nil
}

// maxStreams is how many directions of links keep an open gob stream at
// once. An open stream costs about 7 KB (gob's encoder, and the decoder's
// compiled engines), so a network of 100,000 clients would hold 1.5 GB
// for streams that each carried one call; beyond maxStreams the oldest
// stream is closed and reopened when next used, sending its type
// information again. A test with fewer than maxStreams/2 links never sees
// that happen.
const maxStreams = 4096

// streams closes the oldest open stream when more than maxStreams are open.
type streams struct {
	mu   sync.Mutex
	open []*codec // in the order they opened (a ring once full); a codec may appear twice
	next int      // the oldest entry, once open is full
}

// copy is c.copy, keeping at most maxStreams streams open.
func (s *streams) copy(c *codec, src interface{}, dst reflect.Value) (int, error) {
	n, opened, err := c.copy(src, dst)
	if opened {
		if old := s.opened(c); old != nil && old != c {
			old.mu.Lock()
			old.reset()
			old.mu.Unlock()
		}
	}
	return n, err
}

// opened records c's new stream and returns the codec whose stream must
// close to make room, if any.
func (s *streams) opened(c *codec) *codec {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.open) < maxStreams {
		s.open = append(s.open, c)
		return nil
	}
	old := s.open[s.next]
	s.open[s.next] = c
	s.next = (s.next + 1) % maxStreams
	return old
}
