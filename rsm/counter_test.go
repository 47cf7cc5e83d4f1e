package rsm

import (
	"bytes"
	"distlab/labgob"
	"fmt"
	"sync"
)

// add is the test machine's one command: add N to counter Key and return
// the new value.
type add struct {
	Key string
	N   int
}

func init() { labgob.Register(add{}) }

// counters is a StateMachine of named integer counters. It counts how many
// commands it applied, so tests can tell a duplicate that was applied twice.
type counters struct {
	mu      sync.Mutex // only for the test's reads; the RSM never calls concurrently
	vals    map[string]int
	applied int
}

func newCounters() *counters { return &counters{vals: map[string]int{}} }

func (c *counters) Apply(command any) any {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := command.(add)
	if !ok {
		return fmt.Sprintf("unknown command %T", command)
	}
	c.applied++
	c.vals[a.Key] += a.N
	return c.vals[a.Key]
}

func (c *counters) Snapshot() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	var buf bytes.Buffer
	if err := labgob.NewEncoder(&buf).Encode(c.vals); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func (c *counters) Restore(snapshot []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var vals map[string]int
	if err := labgob.NewDecoder(bytes.NewReader(snapshot)).Decode(&vals); err != nil {
		return err
	}
	if vals == nil {
		vals = map[string]int{}
	}
	c.vals = vals
	return nil
}

func (c *counters) get(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.vals[key]
}

func (c *counters) appliedCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.applied
}
