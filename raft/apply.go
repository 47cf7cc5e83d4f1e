package raft

// applier delivers committed commands, and snapshots installed from a
// leader, on applyCh, in log order and without gaps or duplicates. It is the
// only goroutine that sends on applyCh, and it never holds rf.mu while it
// sends (the service may call into the peer, e.g. Snapshot, meanwhile). It
// ends when the peer is killed, even in the middle of a blocked send.
func (rf *Raft) applier() {
	defer rf.wg.Done()
	for {
		rf.mu.Lock()
		for !rf.killed() && rf.pendingSnapshot == nil && rf.lastApplied >= rf.commitIndex {
			rf.applyCond.Wait()
		}
		if rf.killed() {
			rf.mu.Unlock()
			return
		}
		var msgs []ApplyMsg
		if snap := rf.pendingSnapshot; snap != nil {
			// A snapshot always lies beyond lastApplied (InstallSnapshot only
			// accepts one past commitIndex), and goes before any command.
			rf.pendingSnapshot = nil
			rf.lastApplied = snap.SnapshotIndex
			msgs = []ApplyMsg{*snap}
		} else {
			first := rf.lastApplied + 1
			for i, e := range rf.log.from(first, rf.commitIndex-first+1) {
				msgs = append(msgs, ApplyMsg{CommandValid: true, Command: e.Command, CommandIndex: first + i})
			}
			rf.lastApplied = rf.commitIndex
		}
		rf.mu.Unlock()

		for _, m := range msgs {
			select {
			case rf.applyCh <- m:
			case <-rf.done:
				return
			}
		}
		if len(msgs) > 0 {
			last := msgs[len(msgs)-1]
			if last.CommandValid {
				rf.log_.Printf("APPLY", "applied through %d", last.CommandIndex)
			} else {
				rf.log_.Printf("APPLY", "applied snapshot through %d", last.SnapshotIndex)
			}
		}
	}
}
