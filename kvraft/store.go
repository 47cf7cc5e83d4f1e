package kvraft

import (
	"bytes"
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

// Snapshot encodes the whole store.
func (s *store) Snapshot() []byte {
	var buf bytes.Buffer
	if err := labgob.NewEncoder(&buf).Encode(s.data); err != nil {
		// A map of strings always encodes; failing here is a bug.
		panic(fmt.Sprintf("kvraft: encoding the store: %v", err))
	}
	return buf.Bytes()
}

// Restore replaces the store with a snapshot made by Snapshot.
func (s *store) Restore(snapshot []byte) error {
	var data map[string]string
	if err := labgob.NewDecoder(bytes.NewReader(snapshot)).Decode(&data); err != nil {
		return fmt.Errorf("kvraft: decoding the store snapshot: %w", err)
	}
	if data == nil {
		data = map[string]string{}
	}
	s.data = data
	return nil
}
