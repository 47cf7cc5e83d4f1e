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
	Dones     []int // dones, so that Min never goes back after a restart
	Max       int
	SnapSeq   int // the instance the saved snapshot runs through
	Instances int // how many instance records follow
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
//	record(header) | record(instance) ...
//
// where record(x) is uvarint(len) followed by x as a gob stream of its own.
// Each instance's record is cached (instance.enc) until the instance
// changes, so that saving after one acceptor step re-encodes one instance,
// not all of them. The buffer is fresh each time: a reused one would keep
// the capacity of the largest state ever saved, after forgetting too.

// persist saves the peer's state, and the application's snapshot beside it,
// with one Persister.Save. It runs with px.mu held, before the peer answers
// a message whose answer depends on the change, so nothing it promised or
// accepted is lost in a crash.
//
// Instances up to this peer's own Done are not saved: the application said
// it no longer needs them (a service's snapshot covers them), and this peer
// no longer takes part in them as an acceptor (acceptor.go), so nothing it
// promised there can be broken. They stay in memory until Min passes them,
// to teach peers that lag behind.
func (px *Paxos) persist() {
	kept := 0
	for s := range px.insts {
		if s > px.dones[px.me] {
			kept++
		}
	}
	hdr := encode(px.me, persistentHeader{Dones: px.dones, Max: px.max, SnapSeq: px.snapSeq, Instances: kept})
	size := binary.MaxVarintLen64 + len(hdr)
	for s, in := range px.insts {
		if s <= px.dones[px.me] {
			continue
		}
		if in.enc == nil {
			in.enc = encode(px.me, persistentInstance{Seq: s, Np: in.np, Na: in.na, Va: in.va, Decided: in.decided, V: in.v})
		}
		size += binary.MaxVarintLen64 + len(in.enc)
	}
	b := make([]byte, 0, size)
	b = appendRecord(b, hdr)
	for s, in := range px.insts { // in any order: each record names its instance
		if s > px.dones[px.me] {
			b = appendRecord(b, in.enc)
		}
	}
	px.persister.Save(b, px.snapshot)
	px.lg.Printf("PERSIST", "saved %d instances, %d bytes", kept, len(b))
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
	for range h.Instances {
		var pi persistentInstance
		if err := readRecord(r, &pi); err != nil {
			return fmt.Errorf("decoding a saved paxos instance: %w", err)
		}
		px.insts[pi.Seq] = &instance{np: pi.Np, na: pi.Na, va: pi.Va, decided: pi.Decided, v: pi.V}
	}
	return nil
}
