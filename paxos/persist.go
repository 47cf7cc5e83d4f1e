package paxos

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"distlab/labgob"
)

// persistentHeader is the state of the peer as a whole; fields are
// exported for labgob.
type persistentHeader struct {
	Dones   []int // dones, so that Min never goes back after a restart
	Max     int
	SnapSeq int // the instance the saved snapshot runs through
	Decided int // how many instances the decided stream holds
	Open    int // how many undecided instance records follow it
}

// persistentInstance is one instance on stable storage: the acceptor's
// promise and accepted proposal (section 2.2 of the paper asks for them to
// survive a failure), and the decided value.
type persistentInstance struct {
	Seq     int
	Np, Na  int
	Va      any
	Decided bool
	V       any
}

// The saved state is
//
//	record(header) | record(decided stream) | record(undecided instance) ...
//
// where record(x) is uvarint(len) followed by x. The header and each
// undecided instance are gob streams of their own; the decided stream is
// one gob stream of every decided instance (so the types are described
// once, not per instance). A decided instance never changes again, so the
// stream is kept between saves and grows by one value per decision
// (decidedCache); undecided instances (px.open) are re-encoded only when
// they changed (instance.enc). Saving after one acceptor step thus costs
// one instance's encoding and a copy, not an encoding of every instance.
type decidedCache struct {
	stream bytes.Buffer // the decided instances above upTo, one gob stream
	enc    *labgob.LabEncoder
	n      int          // how many instances stream holds
	in     map[int]bool // the instances stream holds
	upTo   int          // the cut the stream was built for (see persist)
	valid  bool
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
	dc := &px.dcache
	if !dc.valid || dc.upTo != cut {
		// The cut moved (or first save): rebuild the stream without the
		// instances now covered.
		*dc = decidedCache{in: map[int]bool{}, upTo: cut, valid: true}
		dc.enc = labgob.NewEncoder(&dc.stream)
		for s, in := range px.insts {
			if in.decided && s > cut {
				px.addDecided(s, in)
			}
		}
	}
	for _, s := range px.newlyDecided {
		if in, ok := px.insts[s]; ok && s > cut && !dc.in[s] {
			px.addDecided(s, in)
		}
	}
	px.newlyDecided = px.newlyDecided[:0]
	var open []*instance
	size := binary.MaxVarintLen64 + dc.stream.Len()
	for s, in := range px.open {
		if s <= own {
			continue
		}
		if in.enc == nil {
			in.enc = encode(px.me, px.record(s, in))
		}
		open = append(open, in)
		size += binary.MaxVarintLen64 + len(in.enc)
	}
	hdr := encode(px.me, persistentHeader{Dones: px.dones, Max: px.max, SnapSeq: px.snapSeq, Decided: dc.n, Open: len(open)})
	b := make([]byte, 0, binary.MaxVarintLen64+len(hdr)+size)
	b = appendRecord(b, hdr)
	b = appendRecord(b, dc.stream.Bytes())
	for _, in := range open {
		b = appendRecord(b, in.enc)
	}
	px.persister.Save(b, px.snapshot)
	px.lg.Printf("PERSIST", "saved %d instances, %d bytes", dc.n+len(open), len(b))
}

// addDecided appends decided instance s to the decided stream. Caller
// holds px.mu.
func (px *Paxos) addDecided(s int, in *instance) {
	dc := &px.dcache
	if err := dc.enc.Encode(px.record(s, in)); err != nil {
		dc.valid = false // the stream may hold half a value: rebuild it
		panic(fmt.Errorf("paxos: S%d cannot persist a value (register its type with labgob.Register): %w", px.me, err))
	}
	dc.in[s] = true
	dc.n++
}

// record is instance s as saved. A decided instance's acceptor state is of
// no further use (an acceptor answers with the decision), so it is not
// saved.
func (px *Paxos) record(s int, in *instance) persistentInstance {
	if in.decided {
		return persistentInstance{Seq: s, Decided: true, V: in.v}
	}
	return persistentInstance{Seq: s, Np: in.np, Na: in.na, Va: in.va}
}

func encode(me int, x any) []byte {
	var w bytes.Buffer
	if err := labgob.NewEncoder(&w).Encode(x); err != nil {
		// Only a value of a type gob cannot encode gets here: a bug in
		// the application, not a condition to survive.
		panic(fmt.Errorf("paxos: S%d cannot persist a value (register its type with labgob.Register): %w", me, err))
	}
	return w.Bytes()
}

func appendRecord(b, rec []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(rec)))
	return append(b, rec...)
}

func readRecord(r *bytes.Reader, x any) error {
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return err
	}
	if n > uint64(r.Len()) {
		return errors.New("a record runs past the end of the state")
	}
	rec := make([]byte, n)
	r.Read(rec)
	return labgob.NewDecoder(bytes.NewReader(rec)).Decode(x)
}

// readPersist restores what persist saved (nothing for an empty state).
// Caller is Make.
func (px *Paxos) readPersist(state []byte) error {
	if len(state) == 0 {
		return nil
	}
	r := bytes.NewReader(state)
	var h persistentHeader
	if err := readRecord(r, &h); err != nil {
		return fmt.Errorf("decoding the saved paxos state: %w", err)
	}
	if len(h.Dones) != len(px.dones) {
		return fmt.Errorf("the saved paxos state is of a group of %d peers, not %d", len(h.Dones), len(px.dones))
	}
	copy(px.dones, h.Dones)
	px.max = h.Max
	px.snapSeq = h.SnapSeq
	n, err := binary.ReadUvarint(r)
	if err != nil || n > uint64(r.Len()) {
		return errors.New("decoding the saved paxos state: the decided instances are cut short")
	}
	stream := make([]byte, n)
	r.Read(stream)
	dec := labgob.NewDecoder(bytes.NewReader(stream))
	for range h.Decided {
		var pi persistentInstance
		if err := dec.Decode(&pi); err != nil {
			return fmt.Errorf("decoding a saved decided paxos instance: %w", err)
		}
		px.insts[pi.Seq] = &instance{decided: true, v: pi.V}
	}
	for range h.Open {
		var pi persistentInstance
		if err := readRecord(r, &pi); err != nil {
			return fmt.Errorf("decoding a saved paxos instance: %w", err)
		}
		in := &instance{np: pi.Np, na: pi.Na, va: pi.Va}
		px.insts[pi.Seq] = in
		px.open[pi.Seq] = in
	}
	return nil
}
