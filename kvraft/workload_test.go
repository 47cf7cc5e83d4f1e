package kvraft

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// workload describes a run of rounds in the manner of the classic suite:
// in each round clients run concurrently against the service while the
// network misbehaves as configured; between rounds every client's data is
// checked, and at the end the whole history goes through porcupine.
type workload struct {
	servers      int
	clients      int
	unreliable   bool
	partitions   bool // partition the servers at random during each round
	crash        bool // crash and restart every server between rounds
	maxraftstate int
	randomKeys   bool // clients share a few keys (checked by porcupine only)
	rounds       int
	roundLength  time.Duration
	think        time.Duration // mean pause between a client's operations
}

func (w *workload) defaults() {
	if w.servers == 0 {
		w.servers = 5
	}
	if w.rounds == 0 {
		w.rounds = 3
	}
	if w.roundLength == 0 {
		w.roundLength = 5 * time.Second
	}
	if w.think == 0 {
		w.think = 100 * time.Millisecond
	}
	if w.maxraftstate == 0 {
		w.maxraftstate = -1
	}
}

// run runs w and checks it. Call it inside the test's bubble.
func (w workload) run(t *testing.T, be backend) *cluster {
	w.defaults()
	c := newCluster(t, be, w.servers, w.unreliable, w.maxraftstate)
	seed := c.w.Seed()
	clerks := make([]*recClerk, w.clients)
	for i := range clerks {
		clerks[i] = c.clerk(all(w.servers)...)
	}
	// mine[i] is what client i has appended to its own key so far.
	mine := make([]string, w.clients)

	for round := range w.rounds {
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for i, ck := range clerks {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := rand.New(rand.NewPCG(uint64(seed), uint64(round*1000+i)))
				for j := 0; ; j++ {
					select {
					case <-stop:
						return
					default:
					}
					w.step(t, ck, r, i, j, &mine[i])
					time.Sleep(time.Duration(r.Int64N(int64(2 * w.think))))
				}
			}()
		}
		var pwg sync.WaitGroup
		if w.partitions {
			pwg.Add(1)
			go func() {
				defer pwg.Done()
				partitioner(c, stop, rand.New(rand.NewPCG(uint64(seed), uint64(round+77))))
			}()
		}
		time.Sleep(w.roundLength)
		close(stop)
		pwg.Wait()
		c.Heal()
		if w.crash {
			c.crashAll()
			time.Sleep(time.Second)
			c.restartAll()
		}
		wg.Wait()
		if t.Failed() {
			break
		}
		if !w.randomKeys {
			for i, ck := range clerks {
				if got := ck.Get(strconv.Itoa(i)); got != mine[i] {
					t.Fatalf("round %d: client %d's key holds %q, want %q (its own appends, in order)", round, i, short(got), short(mine[i]))
				}
			}
		}
		w.checkSizes(t, c, round)
	}
	c.checkLinearizable()
	return c
}

// step performs client i's j-th operation.
func (w *workload) step(t *testing.T, ck *recClerk, r *rand.Rand, i, j int, mine *string) {
	if w.randomKeys {
		key := strconv.Itoa(r.IntN(3))
		switch r.IntN(3) {
		case 0:
			ck.Get(key)
		case 1:
			ck.Put(key, fmt.Sprintf("[%d %d]", i, j))
		default:
			ck.Append(key, fmt.Sprintf("[%d %d]", i, j))
		}
		return
	}
	key := strconv.Itoa(i)
	if r.IntN(2) == 0 {
		v := fmt.Sprintf("[%d %d]", i, j)
		ck.Append(key, v)
		*mine += v
		return
	}
	if got := ck.Get(key); got != *mine {
		t.Errorf("client %d: Get(%q) = %q, want %q (its own appends, in order)", i, key, short(got), short(*mine))
	}
}

func (w *workload) checkSizes(t *testing.T, c *cluster, round int) {
	t.Helper()
	c.settle()
	for i := range w.servers {
		rs, ss := c.raftStateSize(i), c.snapshotSize(i)
		if w.maxraftstate >= 0 && rs > 8*w.maxraftstate {
			t.Fatalf("round %d: server %d's raft state is %d bytes, more than 8 x maxraftstate (%d)", round, i, rs, w.maxraftstate)
		}
		if w.maxraftstate < 0 && ss > 0 {
			t.Fatalf("round %d: server %d saved a %d-byte snapshot although maxraftstate is -1", round, i, ss)
		}
	}
}

// partitioner splits the servers into two random groups, again and again,
// until stop is closed.
func partitioner(c *cluster, stop <-chan struct{}, r *rand.Rand) {
	for {
		var a, b []int
		for i := range c.N() {
			if r.IntN(2) == 0 {
				a = append(a, i)
			} else {
				b = append(b, i)
			}
		}
		c.Partition(a, b)
		select {
		case <-stop:
			return
		case <-time.After(time.Duration(200+r.IntN(1000)) * time.Millisecond):
		}
	}
}

// short abbreviates a long value for a failure message.
func short(s string) string {
	if len(s) <= 80 {
		return s
	}
	return s[:35] + " ... " + s[len(s)-35:] + fmt.Sprintf(" (%d bytes, %d values)", len(s), strings.Count(s, "["))
}
