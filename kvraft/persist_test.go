package kvraft

import (
	"testing"
)

func TestDataSurvivesRestartOfAllServersOneClient(t *testing.T) {
	both(t, func(t *testing.T, be backend) { workload{clients: 1, crash: true}.run(t, be) })
}

func TestDataSurvivesRestartOfAllServersManyClients(t *testing.T) {
	both(t, func(t *testing.T, be backend) { workload{clients: 5, crash: true}.run(t, be) })
}

func TestRestartsOnUnreliableNetwork(t *testing.T) {
	both(t, func(t *testing.T, be backend) { workload{clients: 5, crash: true, unreliable: true}.run(t, be) })
}

func TestRestartsAndPartitionsManyClients(t *testing.T) {
	both(t, func(t *testing.T, be backend) { workload{clients: 5, crash: true, partitions: true}.run(t, be) })
}

func TestRestartsAndPartitionsOnUnreliableNetwork(t *testing.T) {
	both(t, func(t *testing.T, be backend) {
		workload{clients: 5, crash: true, partitions: true, unreliable: true}.run(t, be)
	})
}

func TestSharedKeysUnderRestartsPartitionsAndUnreliableNetwork(t *testing.T) {
	both(t, func(t *testing.T, be backend) {
		workload{servers: 7, clients: 15, crash: true, partitions: true, unreliable: true, randomKeys: true}.run(t, be)
	})
}
