package kvraft

import (
	"encoding/binary"
	"fmt"

	"distlab/labgob"
)

// opKind is the kind of a command in the log.
type opKind uint8

const (
	kindGet opKind = iota + 1
	kindPut
	kindAppend
)

// command is one key/value operation as it travels through the Raft log.
type command struct {
	Kind  opKind
	Key   string
	Value string
}

// getResult is what applying a Get returns.
type getResult struct {
	Value string
	Found bool
}

func init() {
	// Short names: gob repeats the name with every value in the log.
	labgob.RegisterName("kv.C", command{})
	labgob.RegisterName("kv.G", getResult{})
}

// store is the key/value state machine replicated by rsm. Only the rsm
// replica's goroutine calls its methods (rsm.StateMachine's contract), so it
// has no lock.
type store struct {
	data map[string]string
}

func newStore() *store { return &store{data: map[string]string{}} }

// Apply executes one command. Put and Append return nil; Get returns a
// getResult.
func (s *store) Apply(c any) any {
	cmd, ok := c.(command)
	if !ok {
		// Every replica sees the same log, so every replica ignores
		// the same foreign entry: the state stays identical.
		return nil
	}
	switch cmd.Kind {
	case kindGet:
		v, found := s.data[cmd.Key]
		return getResult{Value: v, Found: found}
	case kindPut:
		s.data[cmd.Key] = cmd.Value
	case kindAppend:
		s.data[cmd.Key] += cmd.Value
	}
	return nil
}

// Snapshot encodes the whole store as uvarint(len(data)) and then each
// key and value as uvarint(len) | bytes. (By hand rather than by gob: a
// snapshot is taken every few commands, and a gob encoder made for each
// one describes the map's type again every time.)
func (s *store) Snapshot() []byte {
	size := binary.MaxVarintLen64
	for k, v := range s.data {
		size += 2*binary.MaxVarintLen64 + len(k) + len(v)
	}
	b := binary.AppendUvarint(make([]byte, 0, size), uint64(len(s.data)))
	for k, v := range s.data {
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
		b = binary.AppendUvarint(b, uint64(len(v)))
		b = append(b, v...)
	}
	return b
}

// Restore replaces the store with a snapshot made by Snapshot.
func (s *store) Restore(snapshot []byte) error {
	b := snapshot
	str := func() (string, bool) {
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			return "", false
		}
		v := string(b[k : k+int(n)])
		b = b[k+int(n):]
		return v, true
	}
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)) {
		return fmt.Errorf("kvraft: the store snapshot (%d bytes) does not start with its number of keys", len(snapshot))
	}
	b = b[k:]
	data := make(map[string]string, n)
	for i := uint64(0); i < n; i++ {
		key, ok1 := str()
		val, ok2 := str()
		if !ok1 || !ok2 {
			return fmt.Errorf("kvraft: the store snapshot (%d bytes) is cut short in key %d of %d", len(snapshot), i+1, n)
		}
		data[key] = val
	}
	if len(b) != 0 {
		return fmt.Errorf("kvraft: the store snapshot has %d bytes after its %d keys", len(b), n)
	}
	s.data = data
	return nil
}
