package paxos

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"

	"distlab/labgob"
)

// The saved state. Its numbers (the header, and one entry per instance) are
// written as varints; the values (decided values, and the values acceptors
// accepted) are gob-encoded, all of them in one gob stream written by one
// long-lived encoder (the value log), so that a type is described once in
// the log, not once per value, and a value is encoded once, not on every
// save. An entry names its value by its position in the log. Layout:
//
//	stateFormat
//	varint: len(dones), dones..., max, snapSeq
//	uvarint: values in the log, uvarint: bytes of the log, the log
//	uvarint: decided entries, then per entry varints seq, value
//	uvarint: open entries, then per entry varints seq, np, na, value
//
// where value is the 1-based position of the value in the log (0: none).
// The log is saved whole, never sliced, so it decodes as the one gob stream
// it is. It only grows, by the values that changed since the last save;
// values no longer referred to (an acceptor's replaced proposal, a value
// forgotten) stay in it as garbage until the garbage outweighs the live
// values, when the log is rewritten with only the live ones (compact): so
// at least half of the saved values' bytes are live, and rewriting costs
// at most as much encoding as the saves that made the garbage.
// The decided entries, which change only by additions until the cut below
// which values are no longer saved moves, are kept encoded between saves
// too. So a save after one acceptor step costs a few varints and a copy.

// stateFormat is the first byte of a saved state: the version of its
// layout.
const stateFormat = 2

// savedValue wraps a value in the log: gob sends the concrete type of an
// interface field, so that any registered type comes back as itself.
type savedValue struct{ V any }

// valueLog is the gob stream of values, and the decided entries, kept
// between saves. Guarded by px.mu.
type valueLog struct {
	stream bytes.Buffer
	enc    *labgob.Encoder
	n      int // values in stream
	// decided holds the decided entries (varints seq, value) of every
	// decided instance above upTo, ndecided of them, and their values'
	// bytes in the log (decidedBytes).
	decided      []byte
	ndecided     int
	decidedBytes int
	upTo         int
	valid        bool // false: rebuild the log and the entries
}

// persist saves the peer's state, and the application's snapshot beside it,
// with one Persister.Save. It runs with px.mu held, before the peer answers
// a message whose answer depends on the change, so nothing it promised or
// accepted is lost in a crash.
//
// What is saved:
//   - an undecided instance only above this peer's own Done: at or below
//     it, the peer no longer takes part as an acceptor (acceptor.go), so
//     nothing it could promise there needs to survive;
//   - a decided value until Min passes it, or until the application's
//     snapshot covers it (DoneWithSnapshot): the snapshot then stands for
//     the values, for this peer after a restart and for peers that lag
//     behind. (The values stay in memory until Min passes them, to teach
//     such peers without a snapshot while this peer runs.)
func (px *Paxos) persist() {
	own := px.dones[px.me]
	cut := max(px.snapSeq, px.min()-1) // decided values up to cut are not saved
	vl := &px.vlog
	if !vl.valid || vl.upTo != cut {
		px.rebuildDecided(cut)
	}
	for _, s := range px.newlyDecided {
		if in, ok := px.insts[s]; ok && s > cut && in.decided {
			px.logValue(in, in.v)
			vl.decided = binary.AppendVarint(binary.AppendVarint(vl.decided, int64(s)), int64(in.vref))
			vl.ndecided++
			vl.decidedBytes += in.vlen
		}
	}
	px.newlyDecided = px.newlyDecided[:0]

	live := vl.decidedBytes
	open := px.openBuf[:0]
	nopen := 0
	if len(px.open) < px.openPeak/4 {
		// A map is as slow to range over as it once was big: make a
		// small one again after a burst of undecided instances.
		// (maps.Clone would keep the size.)
		fresh := make(map[int]*instance, len(px.open))
		maps.Copy(fresh, px.open)
		px.open, px.openPeak = fresh, len(fresh)
	}
	px.openPeak = max(px.openPeak, len(px.open))
	for s, in := range px.open {
		if s <= own {
			// This peer no longer takes part there (acceptor.go), and
			// own never goes back: never to be saved again.
			delete(px.open, s)
			continue
		}
		if in.na > 0 && in.vref == 0 {
			px.logValue(in, in.va)
		}
		if in.na > 0 {
			live += in.vlen
		}
		for _, x := range [...]int{s, in.np, in.na, in.vref} {
			open = binary.AppendVarint(open, int64(x))
		}
		nopen++
	}
	px.openBuf = open
	if garbage := vl.stream.Len() - live; garbage > live {
		px.compact(cut, own)
		px.persist() // with the entries' new positions
		return
	}

	b := append(px.saveBuf[:0], stateFormat)
	b = binary.AppendVarint(b, int64(len(px.dones)))
	for _, d := range px.dones {
		b = binary.AppendVarint(b, int64(d))
	}
	b = binary.AppendVarint(b, int64(px.max))
	b = binary.AppendVarint(b, int64(px.snapSeq))
	b = binary.AppendUvarint(b, uint64(vl.n))
	b = binary.AppendUvarint(b, uint64(vl.stream.Len()))
	b = append(b, vl.stream.Bytes()...)
	b = binary.AppendUvarint(b, uint64(vl.ndecided))
	b = append(b, vl.decided...)
	b = binary.AppendUvarint(b, uint64(nopen))
	b = append(b, open...)
	px.persister.Save(b, px.snapshot) // Save keeps a copy: saveBuf is reused
	px.saveBuf = b
	if cap(b) > 4*len(b)+4096 {
		px.saveBuf = nil // the state shrank (values forgotten): free the memory
	}
	px.lg.Printf("PERSIST", "saved %d decided and %d open instances, %d values, %d bytes", vl.ndecided, nopen, vl.n, len(b))
}

// rebuildDecided rebuilds the decided entries for a new cut (their values
// stay where they are in the log). Caller holds px.mu.
func (px *Paxos) rebuildDecided(cut int) {
	vl := &px.vlog
	if !vl.valid {
		px.compact(cut, px.dones[px.me])
		return
	}
	vl.decided, vl.ndecided, vl.decidedBytes, vl.upTo = vl.decided[:0], 0, 0, cut
	for s, in := range px.insts {
		if in.decided && s > cut {
			px.logValue(in, in.v) // a no-op unless the value is not logged yet
			vl.decided = binary.AppendVarint(binary.AppendVarint(vl.decided, int64(s)), int64(in.vref))
			vl.ndecided++
			vl.decidedBytes += in.vlen
		}
	}
	px.newlyDecided = px.newlyDecided[:0] // all in the entries now
}

// compact rewrites the value log with only the values the state refers to:
// the decided values above cut and the accepted values of undecided
// instances above own; then rebuilds the decided entries. Caller holds
// px.mu.
func (px *Paxos) compact(cut, own int) {
	vl := &px.vlog
	*vl = valueLog{decided: vl.decided[:0], upTo: cut, valid: true}
	vl.enc = labgob.NewEncoder(&vl.stream)
	for _, in := range px.insts {
		in.vref, in.vlen = 0, 0
	}
	for s, in := range px.open {
		if s > own && in.na > 0 {
			px.logValue(in, in.va)
		}
	}
	px.rebuildDecided(cut)
}

// logValue appends v, the value of instance in (its accepted value, or its
// decided value once decided), to the value log, unless in's value is
// logged already. Caller holds px.mu.
func (px *Paxos) logValue(in *instance, v any) {
	if in.vref != 0 {
		return
	}
	vl := &px.vlog
	before := vl.stream.Len()
	if err := vl.enc.Encode(savedValue{V: v}); err != nil {
		vl.valid = false // the stream may hold half a value: rebuild it
		// Only a value of a type gob cannot encode gets here: a bug in
		// the application, not a condition to survive.
		panic(fmt.Errorf("paxos: S%d cannot persist a value (register its type with labgob.Register): %w", px.me, err))
	}
	vl.n++
	in.vref, in.vlen = vl.n, vl.stream.Len()-before
}

// stateReader reads the varints of a saved state; the first error sticks.
type stateReader struct {
	r   *bytes.Reader
	err error
}

func (sr *stateReader) int() int {
	if sr.err != nil {
		return 0
	}
	x, err := binary.ReadVarint(sr.r)
	if err != nil {
		sr.err = errors.New("the state is cut short")
	}
	return int(x)
}

// count reads a uvarint that counts things of at least one byte each.
func (sr *stateReader) count(what string) int {
	if sr.err != nil {
		return 0
	}
	x, err := binary.ReadUvarint(sr.r)
	if err != nil || x > uint64(sr.r.Len()) {
		sr.err = fmt.Errorf("the %s are cut short", what)
		return 0
	}
	return int(x)
}

// readPersist restores what persist saved (nothing for an empty state).
// Caller is Make.
func (px *Paxos) readPersist(state []byte) error {
	if len(state) == 0 {
		return nil
	}
	if state[0] != stateFormat {
		return fmt.Errorf("the saved paxos state is of format %d, not %d", state[0], stateFormat)
	}
	sr := &stateReader{r: bytes.NewReader(state[1:])}
	if n := sr.int(); sr.err == nil && n != len(px.dones) {
		return fmt.Errorf("the saved paxos state is of a group of %d peers, not %d", n, len(px.dones))
	}
	for i := range px.dones {
		px.dones[i] = sr.int()
	}
	px.max, px.snapSeq = sr.int(), sr.int()
	nvalues := sr.count("values")
	stream := make([]byte, sr.count("values"))
	if sr.err != nil {
		return fmt.Errorf("decoding the saved paxos state: %w", sr.err)
	}
	sr.r.Read(stream)
	values := make([]any, nvalues+1) // values[k] is the k-th, 1-based
	dec := labgob.NewDecoder(bytes.NewReader(stream))
	for k := 1; k <= nvalues; k++ {
		var sv savedValue
		if err := dec.Decode(&sv); err != nil {
			return fmt.Errorf("decoding a saved paxos value: %w", err)
		}
		values[k] = sv.V
	}
	value := func() any {
		k := sr.int()
		if k < 0 || k > nvalues {
			sr.err = fmt.Errorf("an instance names value %d of %d", k, nvalues)
			return nil
		}
		return values[k]
	}
	for range sr.count("decided instances") {
		s := sr.int()
		px.insts[s] = &instance{decided: true, v: value()}
	}
	for range sr.count("open instances") {
		s := sr.int()
		in := &instance{np: sr.int(), na: sr.int()}
		in.va = value()
		px.insts[s] = in
		px.open[s] = in
	}
	if sr.err != nil {
		return fmt.Errorf("decoding the saved paxos state: %w", sr.err)
	}
	return nil
}
