package main

import (
	"distlab/labtest/chaos"

	// The labs that "distlab chaos" runs: each registers its hooks with
	// the chaos layer when imported. A new lab adds its line here.
	_ "distlab/kvraft/kvchaos"
	_ "distlab/kvsrv/kvsrvchaos"
	_ "distlab/paxos/paxostest"
	_ "distlab/raft/rafttest"
	_ "distlab/shardkv/shardchaos"
)

func init() {
	register(&command{
		name:    "chaos",
		summary: "run a lab's service under random faults in virtual time, checked (distlab chaos raft)",
		run:     chaos.Command,
	})
}
