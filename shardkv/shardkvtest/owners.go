// Package shardkvtest holds the checks that shardkv's tests and its chaos
// hooks (shardkv/shardchaos) share.
package shardkvtest

import (
	"fmt"
	"sync"
)

// Owners checks that no shard is served by two groups under one config:
// every group reports, through shardkv.Hooks.Serve, each client operation
// it applies with the config number and shard. It is safe for concurrent
// use.
type Owners struct {
	mu    sync.Mutex
	owner map[[2]int]int // (config num, shard) -> the gid that served it
	bad   []string
}

// NewOwners returns an empty checker.
func NewOwners() *Owners { return &Owners{owner: map[[2]int]int{}} }

// Served records that group gid served shard under config num.
func (o *Owners) Served(gid, num, shard int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	k := [2]int{num, shard}
	if g, ok := o.owner[k]; ok && g != gid && len(o.bad) < 100 {
		o.bad = append(o.bad, fmt.Sprintf("shard %d served by groups %d and %d under config %d", shard, g, gid, num))
	}
	if _, ok := o.owner[k]; !ok {
		o.owner[k] = gid
	}
}

// Hook returns group gid's Serve hook.
func (o *Owners) Hook(gid int) func(num, shard int) {
	return func(num, shard int) { o.Served(gid, num, shard) }
}

// Violations returns what was found so far, first found first.
func (o *Owners) Violations() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.bad...)
}
