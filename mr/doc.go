// Package mr is a MapReduce framework after Dean and Ghemawat's paper: a
// coordinator hands out map tasks (one per input file) and nReduce reduce
// tasks to workers, which may crash, stall or run on other machines.
//
// # The job
//
// Map task M reads input file M, calls the application's map function, and
// writes its pairs to the intermediate file mr-M in nReduce sections, pair
// (k, v) going to section R = Partition(k, nReduce). Reduce tasks start only
// when every map task is done; reduce task R reads section R of every mr-M
// (nothing else), sorts the pairs by key, calls the reduce
// function once per key and writes "key value" lines to mr-out-R. Every file
// is written under a temporary name and renamed into place when complete, so
// a crashed or slow worker never leaves a partial or doubled output. A task
// not finished within the task timeout (10 s) is handed to another worker;
// whichever copy finishes first counts, and later copies only rename an
// identical file over it. The coordinator's Done is true only when every
// mr-out-* file is final, and workers exit when told the job is over (or, if
// the coordinator has gone, when they cannot reach it).
//
// # Entry points
//
// The classic API: MakeCoordinator(files, nReduce), (*Coordinator).Done,
// Worker(mapf, reducef) and KeyValue, over a unix socket at DefaultAddr()
// (/var/tmp/distlab-mr-UID, or $DISTLAB_MR_ADDR). MakeCoordinatorWith and
// RunWorker take options (transport, directory, timeouts) and return errors;
// RunSequential is the single-process reference. Applications live in
// package distlab/mr/apps; the programs are cmd/mrcoordinator,
// cmd/mrworker and cmd/mrsequential.
//
// # Transports
//
// A Transport carries the two RPCs of the worker protocol (see rpc.go).
// NetRPC (net/rpc) serves real processes over a unix socket or TCP; Labrpc
// runs a job inside one process over distlab's simulated network, where tests
// run in virtual time (testing/synctest): in-process workers are goroutines
// that block only on channels and timers, and every goroutine of a job ends
// once its workers have returned and the coordinator is closed.
//
// # One machine
//
//	go build -o bin/ ./cmd/mrcoordinator ./cmd/mrworker ./cmd/mrsequential
//	cd /some/work/dir
//	bin/mrcoordinator pg-*.txt &
//	bin/mrworker wc & bin/mrworker wc & wait
//	cat mr-out-* | sort | head
//
// # Several machines
//
// Workers on other machines need a file system shared with the coordinator
// (NFS, a cluster file system...) mounted so that every process sees the
// input files and the working directory under the same paths, because file
// names in tasks are passed as given, relative to each process's working
// directory (or absolute). Run the coordinator with a TCP address and every
// worker with the coordinator's host and port:
//
//	coord$  cd /shared/job && mrcoordinator -addr tcp::7777 pg-*.txt
//	w1$     cd /shared/job && mrworker -addr tcp:coord.example:7777 wc
//	w2$     cd /shared/job && mrworker -addr tcp:coord.example:7777 wc
//
// The protocol is unauthenticated net/rpc: listen only on a trusted
// network. Output is in mr-out-* in the shared directory once the
// coordinator exits with status 0. A worker that cannot reach the coordinator
// for 5 s (-give-up) exits: with an error if it never reached it, quietly if
// it did (the coordinator exits only after the job).
package mr
