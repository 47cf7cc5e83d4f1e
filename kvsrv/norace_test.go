//go:build !race

package kvsrv

// manyClients is the client count of TestManyClientsCostAFewDozenBytesEach,
// the classic suite's 100,000 (see race_test.go for the race build).
const manyClients = 100_000
