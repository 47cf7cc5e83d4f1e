package main

import "distlab/kvraft/kvchaos"

func init() {
	registerChaos("kvraft", "a kvraft cluster with concurrent clients, checked for linearizability", kvchaos.Command)
}
