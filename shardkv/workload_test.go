package shardkv

import (
	"fmt"
	"strconv"
	"sync"
	"time"
)

// appenders runs one client per key, each appending to its own key and
// reading it back, until stop is called; stop returns once they have
// finished and checks every key holds exactly its client's appends, in
// order. Keys "0".."9" land on the ten different shards.
type appenders struct {
	d     *world
	keys  []string
	want  []string
	done  chan struct{}
	wg    sync.WaitGroup
	reads bool
}

func startAppenders(d *world, n int, reads bool) *appenders {
	a := &appenders{d: d, want: make([]string, n), done: make(chan struct{}), reads: reads}
	for i := range n {
		a.keys = append(a.keys, strconv.Itoa(i))
	}
	setup := d.clerk()
	for i, k := range a.keys {
		a.want[i] = "x"
		setup.Put(k, "x")
	}
	for i := range n {
		ck := d.clerk()
		rng := ck.cl.Rand()
		a.wg.Add(1)
		go func() {
			defer a.wg.Done()
			for j := 0; ; j++ {
				select {
				case <-a.done:
					return
				default:
				}
				v := fmt.Sprintf("[%d %d]", i, j)
				ck.Append(a.keys[i], v)
				if ck.ck.Closed() {
					return // the test gave up on this client
				}
				a.want[i] += v
				if a.reads && j%3 == 0 {
					if got := ck.Get(a.keys[i]); got != a.want[i] && !ck.ck.Closed() {
						d.t.Errorf("client %d: Get(%q) = %q, want %q (its own appends, in order)", i, a.keys[i], short(got), short(a.want[i]))
					}
				}
				time.Sleep(time.Duration(rng.IntN(60)) * time.Millisecond)
			}
		}()
	}
	return a
}

// stop ends the clients, waiting at most limit of the test's clock for
// their last operations, and checks every key.
func (a *appenders) stop(limit time.Duration) {
	a.d.t.Helper()
	close(a.done)
	finished := make(chan struct{})
	go func() { a.wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(limit):
		a.d.t.Fatalf("clients did not finish their last operations within %v", limit)
	}
	ck := a.d.clerk()
	for i, k := range a.keys {
		ck.check(k, a.want[i])
	}
}
