package raft

// LogEntry is one slot of the replicated log: a command and the term in
// which a leader received it.
type LogEntry struct {
	Term    int
	Command interface{}
}

// raftLog is the part of the log not yet covered by a snapshot. It is indexed
// by absolute log index: entries[0] is a sentinel that stands for index start
// (the last index the snapshot covers, 0 when there is none) and holds that
// index's term; entries[i] is index start+i.
//
// Invariants: len(entries) >= 1; entries[0].Command == nil;
// terms are non-decreasing along entries.
type raftLog struct {
	start   int
	entries []LogEntry
	edits   int // counts truncations and compactions (for the persist cache)
}

func newLog() raftLog {
	return raftLog{start: 0, entries: []LogEntry{{Term: 0}}}
}

// base is the index covered by the snapshot (the sentinel's index).
func (l *raftLog) base() int { return l.start }

// baseTerm is the term of the entry at base.
func (l *raftLog) baseTerm() int { return l.entries[0].Term }

// lastIndex is the index of the last entry (base when the log is empty).
func (l *raftLog) lastIndex() int { return l.start + len(l.entries) - 1 }

// lastTerm is the term of the last entry.
func (l *raftLog) lastTerm() int { return l.entries[len(l.entries)-1].Term }

// has reports whether index lies in [base, lastIndex], so term(index) is known.
func (l *raftLog) has(index int) bool { return index >= l.start && index <= l.lastIndex() }

// term returns the term of the entry at index; the caller ensures has(index).
func (l *raftLog) term(index int) int { return l.entries[index-l.start].Term }

// command returns the command at index; the caller ensures base < index <= lastIndex.
func (l *raftLog) command(index int) interface{} { return l.entries[index-l.start].Command }

// from returns a copy of the entries from index through lastIndex, at most
// max of them (all when max <= 0). The copy may be handed to another
// goroutine: later changes to the log do not reach it.
func (l *raftLog) from(index, max int) []LogEntry {
	if index <= l.start {
		index = l.start + 1
	}
	if index > l.lastIndex() {
		return nil
	}
	src := l.entries[index-l.start:]
	if max > 0 && len(src) > max {
		src = src[:max]
	}
	return append([]LogEntry(nil), src...)
}

// append adds entries at the end.
func (l *raftLog) append(es ...LogEntry) { l.entries = append(l.entries, es...) }

// truncateFrom removes index and everything after it; base < index.
func (l *raftLog) truncateFrom(index int) {
	l.entries = l.entries[:index-l.start]
	l.edits++
}

// firstIndexOfTerm returns the smallest index above base whose entry, like
// the one at index, has term; the caller ensures base < index <= lastIndex.
func (l *raftLog) firstIndexOfTerm(index int) int {
	t := l.term(index)
	for index-1 > l.start && l.term(index-1) == t {
		index--
	}
	return index
}

// lastIndexOfTerm returns the largest index whose entry has term t, or -1 if
// the log (after base) holds no entry of that term.
func (l *raftLog) lastIndexOfTerm(t int) int {
	for i := l.lastIndex(); i > l.start; i-- {
		switch tt := l.term(i); {
		case tt == t:
			return i
		case tt < t:
			return -1
		}
	}
	return -1
}

// compact discards everything up to and including index, which becomes the
// new base with the given term. Entries after index are kept if the log has
// index with that term; otherwise the whole log is discarded (a snapshot from
// a leader supersedes a conflicting or shorter log).
func (l *raftLog) compact(index, term int) {
	var rest []LogEntry
	if l.has(index) && l.term(index) == term {
		rest = l.entries[index-l.start+1:]
	}
	es := make([]LogEntry, 1, 1+len(rest))
	es[0] = LogEntry{Term: term}
	l.entries = append(es, rest...)
	l.start = index
	l.edits++
}

// upToDate reports whether a log ending at (lastIndex, lastTerm) is at least
// as up-to-date as this one (§5.4.1): a later last term wins; with equal last
// terms the longer log wins.
func (l *raftLog) upToDate(lastIndex, lastTerm int) bool {
	if lastTerm != l.lastTerm() {
		return lastTerm > l.lastTerm()
	}
	return lastIndex >= l.lastIndex()
}
