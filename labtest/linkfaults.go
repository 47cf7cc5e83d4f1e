package labtest

import (
	"time"

	"distlab/labrpc"
)

// A linkFault is the state of the faults that end by themselves on one
// link (from's calls to to): for each kind (slow, lossy, duplicate), until
// when it lasts and how it changes the link's fault model.
//
// While a link has one, the link's model is labrpc.Faults, a perfect
// network changed by the active faults, in place of the classic model that
// World.Reliable and LongReordering set; it returns when they end.
type linkFault struct {
	until map[string]time.Duration
	set   map[string]func(*labrpc.Faults)
}

// faults returns the link's model at now: nil when no fault is active.
func (l *linkFault) faults(now time.Duration) *labrpc.Faults {
	var f *labrpc.Faults
	for _, k := range kinds { // in the table's order, for a fixed result
		if until, ok := l.until[k.name]; ok && until > now {
			if f == nil {
				f = &labrpc.Faults{}
			}
			l.set[k.name](f)
		}
	}
	return f
}

// applyLinkLocked gives every end of the link key its current model.
func (w *World) applyLinkLocked(key [2]string) {
	if w.ended {
		return
	}
	f := w.links[key].faults(w.Now())
	for _, e := range w.ends {
		if e.from.name == key[0] && e.to.name == key[1] {
			w.net.SetEndFaults(e.name, f)
		}
	}
}

// clearLinksLocked ends the faults of kind on every link from or to a
// server of cluster.
func (w *World) clearLinksLocked(cluster, kind string) {
	for key, l := range w.links {
		if _, ok := l.until[kind]; ok && (w.nodes[key[0]].cluster == cluster || w.nodes[key[1]].cluster == cluster) {
			delete(l.until, kind)
			delete(l.set, kind)
			w.applyLinkLocked(key)
		}
	}
}

// afterLocked runs f after d on the test's clock, unless the test ends
// first: the end of a fault that ends by itself.
func (w *World) afterLocked(d time.Duration, f func()) {
	w.timers = append(w.timers, time.AfterFunc(d, f))
}

// stopTimers stops the timers that afterLocked started.
func (w *World) stopTimers() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, t := range w.timers {
		t.Stop()
	}
	w.timers = nil
}

// observeLocked installs the World's observer on the network, once: it
// holds the messages of paused servers (see KindPause).
func (w *World) observeLocked() {
	if !w.observer {
		w.observer = true
		w.net.SetObserver(w.observe)
	}
}

// observe delays a message to or from a paused server until its pause
// ends: a request it sends or receives, and the replies to and from it.
func (w *World) observe(m *labrpc.Message) {
	if m.Fate != labrpc.Delivered && m.Fate != labrpc.Duplicated {
		return
	}
	w.mu.Lock()
	var until time.Duration
	if end, ok := m.End.(string); ok {
		if e := w.endByName[end]; e != nil {
			until = w.paused[e.from.name]
		}
	}
	if srv, ok := m.Server.(string); ok {
		until = max(until, w.paused[srv])
	}
	now := w.Now()
	w.mu.Unlock()
	if d := until - now; d > m.Delay {
		m.Delay = d
	}
}

// pausedUntil returns when the last pause of a server of g ends.
func (g *group) pausedUntil() time.Duration {
	g.w.mu.Lock()
	defer g.w.mu.Unlock()
	var until time.Duration
	for _, nd := range g.nodes {
		until = max(until, g.w.paused[nd.name])
	}
	return until
}
