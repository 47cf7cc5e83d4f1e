package shardctrler

import (
	"bytes"
	"fmt"
	"sort"

	"distlab/labgob"
)

// The commands the controller's log carries. Short gob names keep entries
// small (gob sends the type name with every interface value).
type (
	joinCmd  struct{ Servers map[int][]string }
	leaveCmd struct{ GIDs []int }
	moveCmd  struct{ Shard, GID int }
	queryCmd struct{ Num int }
)

func init() {
	labgob.RegisterName("sc.J", joinCmd{})
	labgob.RegisterName("sc.L", leaveCmd{})
	labgob.RegisterName("sc.M", moveCmd{})
	labgob.RegisterName("sc.Q", queryCmd{})
	labgob.RegisterName("sc.C", Config{})
}

// machine is the controller's replicated state: every configuration so far.
// rsm calls it from one goroutine at a time and nothing else touches it.
type machine struct {
	// configs[i] is config number i. Invariant: configs[0] is the empty
	// config, and each later one differs from its predecessor by one
	// Join, Leave or Move.
	configs []Config
}

func newMachine() *machine {
	return &machine{configs: []Config{{Groups: map[int][]string{}}}}
}

func (m *machine) latest() Config { return m.configs[len(m.configs)-1] }

// Apply executes one command. Join, Leave and Move return nil; Query
// returns a copy of the asked-for Config.
func (m *machine) Apply(command any) any {
	switch c := command.(type) {
	case queryCmd:
		if c.Num < 0 || c.Num >= len(m.configs) {
			return m.latest().clone()
		}
		return m.configs[c.Num].clone()
	case joinCmd:
		next := m.next()
		for _, gid := range sortedGIDs(c.Servers) {
			if gid > 0 {
				next.Groups[gid] = append([]string(nil), c.Servers[gid]...)
			}
		}
		rebalance(&next)
		m.configs = append(m.configs, next)
	case leaveCmd:
		next := m.next()
		for _, gid := range c.GIDs {
			delete(next.Groups, gid)
		}
		rebalance(&next)
		m.configs = append(m.configs, next)
	case moveCmd:
		// The Clerk refuses a bad shard; a gid that is not a group would
		// leave the shard unreachable, so such a Move changes nothing.
		if _, ok := m.latest().Groups[c.GID]; !ok || c.Shard < 0 || c.Shard >= NShards {
			return nil
		}
		next := m.next()
		next.Shards[c.Shard] = c.GID
		m.configs = append(m.configs, next)
	default:
		panic(fmt.Sprintf("shardctrler: unknown command %T in the log", command))
	}
	return nil
}

// next returns a copy of the latest config numbered one higher.
func (m *machine) next() Config {
	c := m.latest().clone()
	c.Num++
	return c
}

func sortedGIDs(servers map[int][]string) []int {
	gids := make([]int, 0, len(servers))
	for gid := range servers {
		gids = append(gids, gid)
	}
	sort.Ints(gids)
	return gids
}

func (m *machine) Snapshot() []byte {
	var buf bytes.Buffer
	if err := labgob.NewEncoder(&buf).Encode(m.configs); err != nil {
		panic("shardctrler: cannot encode the configs: " + err.Error())
	}
	return buf.Bytes()
}

func (m *machine) Restore(snapshot []byte) error {
	var configs []Config
	if err := labgob.NewDecoder(bytes.NewReader(snapshot)).Decode(&configs); err != nil {
		return err
	}
	if len(configs) == 0 {
		return fmt.Errorf("shardctrler: snapshot holds no configs (config 0 is always present)")
	}
	for i := range configs {
		if configs[i].Groups == nil {
			configs[i].Groups = map[int][]string{} // gob drops empty maps
		}
	}
	m.configs = configs
	return nil
}
