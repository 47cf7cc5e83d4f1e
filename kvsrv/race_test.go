//go:build race

package kvsrv

// manyClients is the client count of TestManyClientsCostAFewDozenBytesEach:
// under the race detector 100,000 clients take many minutes, so the race
// build runs a tenth of them (the per-client bound is the same).
const manyClients = 10_000
