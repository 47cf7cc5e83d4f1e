// Command mrcoordinator runs the coordinator of a MapReduce job: one map task
// per input file, -nreduce reduce tasks, served to mrworker processes over a
// unix socket (default) or TCP. It exits 0 once every mr-out-* file is final,
// after giving workers a moment to learn the job is over; non-zero if the job
// cannot start or fails.
//
//	mrcoordinator [-addr unix:/path | -addr tcp:host:port] [-nreduce 10] [-dir .] pg-*.txt
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"distlab/mr"
)

func main() { os.Exit(run(os.Args[1:], os.Stderr)) }

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("mrcoordinator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", mr.DefaultAddr(), "where workers reach the coordinator: unix:/path or tcp:host:port (env "+mr.AddrEnv+")")
	nReduce := fs.Int("nreduce", 10, "number of reduce tasks (output files)")
	dir := fs.String("dir", "", "directory for intermediate and output files, as workers see it (default: their working directory)")
	timeout := fs.Duration("task-timeout", mr.DefaultTaskTimeout, "hand a task to another worker if its worker has not finished it by then")
	linger := fs.Duration("linger", time.Second, "after the job, wait at most this long for every worker to be told it is over")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: mrcoordinator [flags] inputfiles...\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	t, err := mr.ParseAddr(*addr)
	if err != nil {
		fmt.Fprintf(stderr, "mrcoordinator: %v\n", err)
		return 2
	}
	c, err := mr.MakeCoordinatorWith(fs.Args(), *nReduce, mr.CoordinatorOptions{Transport: t, Dir: *dir, TaskTimeout: *timeout})
	if err != nil {
		fmt.Fprintf(stderr, "mrcoordinator: %v\n", err)
		return 1
	}
	defer c.Close() // removes the unix socket

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	select {
	case s := <-sig:
		fmt.Fprintf(stderr, "mrcoordinator: %v: stopping before the job is over\n", s)
		return 1
	case err = <-done:
	}
	c.Drain(*linger) // workers polling now get "exit" rather than a closed socket
	if err != nil {
		fmt.Fprintf(stderr, "mrcoordinator: job failed: %v\n", err)
		return 1
	}
	return 0
}
