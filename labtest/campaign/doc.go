// Package campaign holds what every large run of seeds or tests shares,
// whichever lab it runs: slicing the work into shards for many machines
// (a Kubernetes Indexed Job, a CI matrix), the one-JSON-line-per-seed
// result record, and merging the shards' result files into one table.
//
// # Files
//
//   - shard.go: Shard, from a -shard i/n flag or the environment.
//   - seeds.go: seed ranges ("1-100000").
//   - record.go: a seed's result as one JSON line; reading and writing them.
//   - merge.go: combining result files: one table, the failures with their replay commands.
//   - run.go: Campaign, running a shard of seeds N at a time with progress and Ctrl-C.
//   - workers.go: Workers, the same in worker processes, one per sub-shard.
//   - determinism.go: running a seed twice and finding where the runs first differ.
package campaign
