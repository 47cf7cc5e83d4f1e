package kvraft

import (
	"distlab/labtest"
	"testing"
)

func TestDataSurvivesRestartOfAllServersOneClient(t *testing.T) {
	labtest.Run(t, func(t *testing.T) { workload{clients: 1, crash: true}.run(t) })
}

func TestDataSurvivesRestartOfAllServersManyClients(t *testing.T) {
	labtest.Run(t, func(t *testing.T) { workload{clients: 5, crash: true}.run(t) })
}

func TestRestartsOnUnreliableNetwork(t *testing.T) {
	labtest.Run(t, func(t *testing.T) { workload{clients: 5, crash: true, unreliable: true}.run(t) })
}

func TestRestartsAndPartitionsManyClients(t *testing.T) {
	labtest.Run(t, func(t *testing.T) { workload{clients: 5, crash: true, partitions: true}.run(t) })
}

func TestRestartsAndPartitionsOnUnreliableNetwork(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		workload{clients: 5, crash: true, partitions: true, unreliable: true}.run(t)
	})
}

func TestSharedKeysUnderRestartsPartitionsAndUnreliableNetwork(t *testing.T) {
	labtest.Run(t, func(t *testing.T) {
		workload{servers: 7, clients: 15, crash: true, partitions: true, unreliable: true, randomKeys: true}.run(t)
	})
}
