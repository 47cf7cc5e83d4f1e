// Package chaos is the one chaos layer of distlab: it runs any lab's
// service under a random nemesis in virtual time and judges it. A lab
// supplies hooks (a Lab); the layer does the rest, the same way for every
// lab: the settings and their validation, the nemesis flags, clients that
// record a history, rounds of faults with a liveness check after each
// heal, the lab's invariant hooks, one porcupine check of the history at
// the end, the summary (printed once), the artefact folder — the same one
// a failing test writes, through the same code (labtest.World.
// WriteArtifacts) — the -seed flag, and the command "distlab chaos <lab>",
// which lists the registered labs.
//
// # How a lab plugs in
//
// A lab writes one file of hooks, in a package of its own beside the lab
// (kvraft/kvchaos/chaos.go) or in its test harness package
// (raft/rafttest/chaos.go), which registers a Lab from an init function:
//
//	func init() {
//		chaos.Register(chaos.Lab{
//			Name:      "kvsrv",
//			Summary:   "one key/value server over a lossy network",
//			Model:     &models.KvModel, // the history is checked against it
//			ModelName: "kv",
//			Setup: func(fs *flag.FlagSet) chaos.Start {
//				keys := fs.Int("keys", 5, "number of keys the clients share")
//				return func(t *testing.T, cfg chaos.Config) chaos.Service {
//					c := labtest.NewCluster(t, cfg.Servers, start)
//					return chaos.Service{
//						Clusters: []chaos.Faultable{c},
//						Client:   func(ctx context.Context, id int, r *rand.Rand) func() chaos.Op { ... },
//						Probe:    func(ctx context.Context, do func(chaos.Op) (any, bool)) error { ... },
//					}
//				}
//			},
//		})
//	}
//
// and adds one blank import of that package to cmd/distlab/chaos.go. Its
// tests call Run inside labtest.Run:
//
//	labtest.Run(t, func(t *testing.T) {
//		s := chaos.Run(t, "kvsrv", chaos.Config{Duration: 5 * time.Second}, "-keys", "2")
//		require.True(t, s.OK())
//	})
//
// Client makes one client: it returns the client's next operation (an Op:
// the input recorded in the history, and the call that performs it),
// which the layer performs over and over from one goroutine. Probe shows
// the healed service serving. A lab that checks invariants (raft) sets
// Violated and Violations; one with numbers of its own to report sets
// Stats. Fault kinds are not the lab's business: the nemesis and its flags
// come from labtest's table of fault kinds.
//
// A key/value lab need not write Client and Probe: KV is the workload the
// key/value labs share (a random mix of Gets, Puts and Appends on shared
// keys with unique values, and a probe that writes and reads back), and
// KV.Service makes the Service from the lab's clerk factory, key chooser
// and mix:
//
//	return chaos.KV{
//		Clerk: func() chaos.KVClerk { return kvraft.MakeClerk(c.MakeClient().Ends()) },
//		Key:   func(r *rand.Rand) string { return fmt.Sprint("k", r.IntN(5)) },
//		Gets:  50, Puts: 20, // percent; the rest are appends
//	}.Service(c)
//
// # Files
//
//   - lab.go: Lab, Service, Op, the registry (Register, Labs)
//   - kv.go: KV, the key/value labs' workload, and KVClerk
//   - config.go: Config, its defaults and validation, the common flags
//   - run.go: Run, the rounds, the clients, liveness
//   - summary.go: Summary, its printed and JSON forms, the artefacts
//   - command.go: Command, "distlab chaos"
//   - campaign.go: "distlab chaos <lab> -seeds A-B": many seeds in one
//     process or in -p worker processes, one bubble each (labtest.MainMany,
//     labtest.RunSeed), on the lab-independent loop, shards and records of
//     distlab/labtest/campaign; -check-determinism's fingerprint of a run
//
// # Campaigns
//
// With -seeds the command runs a campaign: every seed of the range (or of
// its -shard), -p at a time in as many worker processes (each runs its
// sub-shard one seed at a time, a bubble per seed; -p 1 runs them in one
// child process), with a live status line (done/total, seeds per second,
// ETA, failures), one JSON line per seed in -o, and at the end a table per lab
// and one row per failed seed with the command that replays it alone
// ("distlab chaos <lab> -seed N <the campaign's other flags>"). Ctrl-C stops
// the campaign and prints what it finished. -check-determinism runs each
// seed twice and compares the runs' fingerprints: the schedule, each link's
// messages with their fates and delays (through the network's observer;
// a pause fault replaces it, ending that part of the fingerprint), and the
// history; the first difference is printed.
package chaos
