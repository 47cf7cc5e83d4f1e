// Package labtest is the harness that every distlab lab test is written on:
// virtual time, seeded randomness, clusters of servers on a simulated
// network, faults applied by hand or by a random nemesis, failure schedules
// that can be replayed, histories checked for linearizability, and a folder
// of artefacts when a test fails.
//
// # A first test
//
// A lab test wraps its body in Run, starts a Cluster of the lab's servers
// with a StartFunc shaped like the classic Make, applies faults, and checks
// what its clients see:
//
//	func TestLeaderElectedAfterPartitionHeals(t *testing.T) {
//		labtest.Run(t, func(t *testing.T) {
//			c := labtest.NewCluster(t, 5, func(ends []*labrpc.ClientEnd, me int, p *persister.Persister) (*raft.Raft, []any) {
//				rf := raft.Make(ends, me, p, make(chan raft.ApplyMsg, 100))
//				return rf, []any{rf}
//			})
//			time.Sleep(2 * time.Second)          // virtual: takes microseconds
//			c.Partition([]int{0, 1}, []int{2, 3, 4})
//			time.Sleep(2 * time.Second)
//			c.Heal()
//			// ... require a single leader within 5 s of the test's clock ...
//		})
//	}
//
// NewCluster kills the servers when the test ends; the test never calls
// Kill itself unless it wants to.
//
// # Virtual time
//
// Run runs the body in a testing/synctest bubble: the clock (time.Now,
// time.Sleep, timers, tickers) is virtual and jumps ahead whenever every
// goroutine of the test is blocked. A test that sleeps through a minute of
// elections takes a fraction of a second, and a limit such as "a leader
// within 5 s" is judged on the test's clock, so a loaded grading machine
// gives the same verdict as a laptop. In a bubble time.Now starts at
// 2000-01-01 UTC; World.Now gives the time since the test started.
// DISTLAB_REALTIME=1 runs the same tests on the real clock.
//
// For this to work, peers and services must follow three rules (they are
// the rules of good concurrent Go anyway):
//
//   - block only on channels, sync.Cond, sync.WaitGroup, timers and
//     time.Sleep; never sleep, or wait for the network, while holding a
//     mutex (a goroutine waiting for a mutex stops the clock);
//   - never spin: a loop that polls must sleep between polls;
//   - every goroutine ends after Kill(): a goroutine that outlives the test
//     is a leak, reported as a failure with its stack. In a bubble a leaked
//     goroutine would keep the test alive for ever, so the harness ends the
//     test binary with a panic whose message is the report (with the
//     summary and artefact lines below).
//
// A test in a bubble that waits for something that never happens would
// either deadlock or let virtual time run on for ever. A watchdog ends it
// after DISTLAB_TIMEOUT of virtual time (default 10m; "0" for none; no
// default limit for a body run by Main) with a panic that shows where each
// of its goroutines is, after writing the artefacts. With DISTLAB_REALTIME=1
// the same limit is judged on the real clock.
//
// A bubble also forbids real I/O waits, os/exec and the net package inside
// the test; files are fine. Tests may call t.Parallel before Run: each
// bubble has its own clock. (In real-time mode the leak check would count
// the other tests' goroutines, so run real-time tests one at a time.)
//
// # Seeds
//
// Every random choice of a test follows from one seed: DISTLAB_SEED if set,
// the seed of the schedule being replayed under DISTLAB_REPLAY, or else a
// random seed that is printed at the end of the test. From it derive the
// network's drops, delays and reorderings (one stream per link); the
// harness's choices (World.Rand, each nemesis, each
// Client.Rand, the names of the ends it makes); and the peers' own
// randomness. A peer built with the classic Make(peers, me, ...) signature
// gets its generator from the end to itself, which the harness always
// provides:
//
//	rf.rand = peers[me].Rand() // a *rand.Rand (math/rand/v2); guard it with rf.mu
//
// A peer that draws from the global math/rand instead still works, but its
// runs do not replay.
//
// Under the same seed a test makes the same choices; goroutine
// interleaving at one instant of virtual time is still the Go scheduler's,
// so how often a seed reproduces a failure is a figure to measure ("distlab
// replay -count"), not a promise.
//
// # Clusters
//
// A Cluster[S] is n servers of any type S with a Kill method, on the test's
// network. The StartFunc receives one end to every server of the cluster
// (its own included), its index and its Persister, and returns the server
// and the objects whose methods are its RPC handlers: a raft cluster
// returns []any{rf}; kvraft, whose servers hold an unexported *raft.Raft,
// returns []any{kv, kv.rf} from a StartFunc written in its own test file.
//
// Faults:
//
//   - Crash(i) kills server i, removes it from the network and keeps a copy
//     of its Persister; Restart(i) starts a new incarnation from a copy of
//     that Persister. Each incarnation gets fresh ends, so a dead instance
//     can never reach its successor.
//   - Disconnect(i) and Connect(i) unplug and replug server i.
//   - Partition(groups...) splits the cluster; servers in no group are
//     isolated. Heal() removes partitions, cuts and link faults, and
//     reconnects everyone.
//   - Cut(from, to) is a one-way fault: from's calls to to are lost.
//   - Inject(e) applies an Event of any kind, among them the faults that
//     end by themselves: a slow link (KindSlow: from's calls to to take
//     longer), a lossy link (KindLossy), a duplicating link (KindDuplicate)
//     and a pause (KindPause), each for e.For.
//   - World.Reliable, LongReordering and LongDelays set the network's mode.
//
// A pause is a GC pause or a SIGSTOP, not a crash: the server keeps its
// state, and every message it sends or receives meanwhile is held and
// delivered when it resumes. The harness cannot stop a peer's goroutines
// or Go timers, so "its timers stall" means what the rest of the world can
// see of them: a timer that fires during the pause may run its code, but
// nothing it sends leaves before the resumption. A paused server can thus
// come back with a higher term than a truly frozen one, never with news
// from the pause. Pauses hold messages through the network's observer
// (labrpc.Network.SetObserver), which the World installs at the first
// pause; a test that sets its own observer turns pauses off.
//
// While a link fault lasts, the link's messages follow a labrpc.Faults
// model (a perfect network with the fault) instead of the classic modes.
//
// Faults change only the harness's wiring of the network; Reachable tells
// whether, as wired now, one server's calls reach another (useful to find a
// connected majority without making calls). Restart leaves a server's
// wiring as it was: a server that was connected when it crashed comes back
// connected.
//
// Clients (clerks) get ends of their own with MakeClient; ConnectOnly puts
// a client on one side of a partition:
//
//	cl := c.MakeClient()
//	ck := kvraft.MakeClerk(cl.Ends())
//	c.Partition([]int{0, 1, 2}, []int{3, 4})
//	cl.ConnectOnly(0, 1, 2)
//
// Several clusters can share a test's network (give each a Name); ends to
// any server by its name come from MakeEndFrom, Cluster.MakeEnd and
// Client.MakeEnd, which is what shardkv's make_end needs:
//
//	ctrl := labtest.NewCluster(t, 3, startCtrler, labtest.Name("ctrl"))
//	g := labtest.NewCluster(t, 3, func(ends []*labrpc.ClientEnd, me int, p *persister.Persister) (*shardkv.ShardKV, []any) {
//		ctrlers := make([]*labrpc.ClientEnd, ctrl.N())
//		for j := range ctrlers {
//			ctrlers[j] = labtest.MakeEndFrom(ends[me], ctrl.ServerName(j))
//		}
//		makeEnd := func(name string) *labrpc.ClientEnd { return labtest.MakeEndFrom(ends[me], name) }
//		kv := shardkv.StartServer(ends, me, p, -1, 100, ctrlers, makeEnd)
//		return kv, []any{kv, kv.rf}
//	}, labtest.Name("g100"))
//
// MakeEndFrom(ends[me], name) makes an end owned by the server that ends[me]
// belongs to: it follows that server's fate (disabled when it crashes or is
// disconnected) and is fresh for each incarnation.
//
// # Failure schedules and the nemesis
//
// Every fault the harness applies is recorded, with its time on the test's
// clock, in the test's failure Schedule (see Schedule for the JSON format).
// StartNemesis starts a random nemesis: partitions, crashes, restarts,
// disconnections, one-way cuts and mode changes at random times (and the
// link faults and pauses when their rates are set), never more than a
// minority of servers faulty at once, with regular heal periods; Stop ends
// it and heals the cluster.
//
//	nem := c.StartNemesis(labtest.NemesisConfig{})
//	// ... clients work for a while ...
//	nem.Stop()
//	// ... require that the service recovers ...
//
// # Adding a fault kind
//
// Each kind of fault is one entry of the table in faults.go: its Kind
// constant, its arguments (which Event fields it uses: the schedule's JSON
// codec, its validation and Event.String follow them), how it is applied
// to a cluster, what it repairs, how Heal removes it, its label on a
// timeline, and its nemesis move (a rate flag and how it picks an event
// within the nemesis's budget). The nemesis, NemesisFlags, replay, the
// fault counts of summaries and history.html all derive from the table. A
// new kind is one entry there, plus a primitive on the cluster's fault
// group (group.go) when no existing one does what it needs, and a field
// of Event when it takes a new kind of argument.
//
// When a test fails, the schedule is written to the artefacts, and
// DISTLAB_REPLAY=path/schedule.json re-runs the test under its seed, with
// the nemesis re-applying the recorded events at their recorded times. A
// schedule can also be written by hand, checked into testdata/, and played
// with LoadSchedule and Cluster.Apply as a regression test.
//
// # Histories
//
// World.History records what clients observe; Record wraps one clerk call,
// and History.Check checks the history with distlab/porcupine at the end
// of the test:
//
//	h := labtest.WorldOf(t).History()
//	h.SetModel(models.KvModelName, models.KvModel) // draw the history even if the test fails early
//	// in each client's goroutine:
//	labtest.Record(h, cl.ID(), models.KvInput{Op: models.OpAppend, Key: k, Value: v},
//		func() models.KvOutput { ck.Append(k, v); return models.KvOutput{} })
//	// at the end:
//	h.Check(models.KvModel, 0)
//
// Times are nanoseconds of the test's clock since the test started. An
// operation that never returned is pending: it may have taken effect at any
// time after its call, or never. The check runs outside the virtual clock
// (it takes no test time) with a real-time limit. A history that is not
// linearizable fails the test, and the artefacts hold it with a
// visualisation on which the schedule's faults are drawn.
//
// # Log agreement
//
// A lab that replicates a log (Raft, Paxos, the shard controller) checks
// what its peers apply with an Agreement (agreement.go): each peer's test
// service reports Apply(peer, index, value) as it applies, Snapshot when a
// snapshot makes it jump ahead, Restart when it restarts empty. The
// Agreement reports a slot that ever held two values, and a peer that
// applies out of order, skips or repeats; other checkers add theirs with
// Violate, and Violations lists them all, first found first:
//
//	a := labtest.NewAgreement[any](nil) // values compared with ==
//	// in peer i's apply loop:
//	a.Apply(i, m.CommandIndex, m.Command)
//	// at the end, or whenever the test wants:
//	if v := a.Violations(); len(v) > 0 { t.Fatalf("%q", v) }
//
// # Failure artefacts and the summary line
//
// At the end of every test Run logs one line (through t.Log, so it shows
// with go test -v, in -json output, and for a failing test):
//
//	distlab: virtual=12.5s wall=48ms rpcs=1834 bytes=201377 seed=8172635
//
// When the test failed, Run writes a folder (under DISTLAB_ARTIFACTS, or
// else a new folder in the system's temporary directory) holding
// schedule.json, history.json and history.html when the test recorded a
// history, peers.log when DISTLAB_LOG=1, and the run report
// (report.html with its data in report.json), and logs three more lines:
//
//	distlab: artifacts=/tmp/distlab-TestX-123
//	distlab: report: /tmp/distlab-TestX-123/report.html
//	distlab: replay: DISTLAB_REPLAY=/tmp/distlab-TestX-123/schedule.json go test ./raft -run '^TestX$'
//
// "distlab replay DIR" runs that command many times and reports how often
// the failure reproduces. World.WriteArtifacts writes the same folder on
// demand: a chaos run (labtest/chaos) that passed writes its report there,
// by the same code.
//
// # The run report
//
// Every test records a trace for its run report (distlab/labtest/report):
// each message the network handles, with its fate and times (the last
// 100,000; DISTLAB_TRACE=n keeps n, 0 none), the peers' states as a lab's
// hook reports them, and the violations its checkers find. A failing test
// writes the report into its artefacts, with the schedule's faults, the
// checked history and the per-peer log; DISTLAB_REPORT=dir makes every
// test write one, World.WriteReport writes one on demand, and "distlab
// chaos <lab> -report" writes a passing chaos run's. A lab reports its
// peers' states through World.Recorder (rafttest's invariant checker does,
// at each look) or with Cluster.RecordStates, and its violations through
// Recorder.Violation or an Agreement's ReportTo:
//
//	c.RecordStates(0, func(i int, kv *KVServer) report.State {
//		st := kv.rf.Inspect()
//		return report.State{Role: st.Role, Term: st.Term, Commit: st.CommitIndex, Applied: st.LastApplied}
//	})
//
// # Logs
//
// Peers log through distlab/lablog (log := lablog.For(me);
// log.Printf("VOTE", ...)), quiet unless DISTLAB_VERBOSE is set. Run sets
// lablog's epoch to the start of the test, so lines carry virtual
// milliseconds. With DISTLAB_LOG=1 the harness turns every topic on and
// keeps the last 8 MiB of lines in memory, written to peers.log in the
// artefacts; without it logging stays off and nearly free. lablog is
// process-wide: tests that run in parallel share it. Never log through a
// *testing.T after its test ended (a late goroutine should use lablog).
//
// # Environment
//
//	DISTLAB_SEED=n          the seed (random and printed when unset)
//	DISTLAB_REALTIME=1      run on the real clock instead of in a bubble
//	DISTLAB_REPLAY=path     replay a schedule.json (its seed, its nemesis events)
//	DISTLAB_ARTIFACTS=dir   where failure artefacts go (default: a new temporary folder)
//	DISTLAB_LOG=1           keep the per-peer log for the artefacts (peers.log)
//	DISTLAB_REPORT=dir      every test writes its run report to dir/<test>/
//	DISTLAB_TRACE=n         messages the run report keeps (default 100000; 0: none)
//	DISTLAB_TIMEOUT=d       time limit of a test, on its clock (default 10m; 0: none)
//	DISTLAB_VERBOSE=topics  print the per-peer log (lablog): 1, all, or VOTE,LEAD,...
//
// Each variable has one name and one parser, in distlab/internal/env, which
// labrpc, lablog and labtest all read.
//
// # Running a harness body outside go test
//
// Main runs a body as a test in a virtual-time bubble from a command (the
// distlab chaos command uses it), and returns an exit status. The command
// prints its own summary: under Main the summary line is logged only for a
// test that failed. MainMany runs a body that runs many bubbles itself, in
// subtests, each with RunSeed, which is Run with a given seed: a campaign of
// distlab chaos runs one seed per subtest that way.
//
// # Files
//
//   - run.go: Run, RunSeed, the end of a test and its summary; main.go:
//     Main, MainMany
//   - world.go: World, the network's wiring (the connectivity rule)
//   - cluster.go: Cluster[S], the typed view; group.go: a cluster's servers
//     and fault primitives, owned by the World; client.go: Client
//   - faults.go: the table of fault kinds; linkfaults.go: link faults and
//     pauses on the network
//   - nemesis.go: Nemesis, random and replayed; nemesis_flags.go: its flags
//   - schedule.go: Schedule, Event and their JSON
//   - history.go, histcheck.go: History, Check, the timelines of faults
//   - artifacts.go: WriteArtifacts, the replay command
//   - agreement.go: Agreement, the log-agreement checker
//   - seed.go, leak.go, watchdog.go, logring.go: seeds, the leak check, the
//     time limit, the kept log
//   - api.txt: the reviewed list of exported names, checked by a test
package labtest
