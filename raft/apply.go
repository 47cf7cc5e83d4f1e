package raft

// applier delivers committed commands, and snapshots installed from a
// leader, on applyCh, in log order and without gaps or duplicates. It is the
// only goroutine that sends on applyCh, and it never holds rf.mu while it
// sends (the service may call into the peer, e.g. Snapshot, meanwhile). It
// ends when the peer is killed, even in the middle of a blocked send.
func (rf *Raft) applier() {
	defer rf.wg.Done()
	var msgs []ApplyMsg // reused from batch to batch; cleared after each
	for {
		rf.mu.Lock()
		for !rf.killed() && rf.pendingSnapshot == nil && rf.lastApplied >= rf.commitIndex {
			rf.applyCond.Wait()
		}
		if rf.killed() {
			rf.mu.Unlock()
			return
		}
		clear(msgs)
		msgs = msgs[:0]
		if snap := rf.pendingSnapshot; snap != nil {
			// A snapshot always lies beyond lastApplied (InstallSnapshot only
			// accepts one past commitIndex), and goes before any command.
			rf.pendingSnapshot = nil
			rf.lastApplied = snap.SnapshotIndex
			msgs = append(msgs, *snap)
		} else {
			// (lastApplied >= log.base() here: see its invariant.)
			for i := max(rf.lastApplied, rf.log.base()) + 1; i <= rf.commitIndex; i++ {
				msgs = append(msgs, ApplyMsg{CommandValid: true, Command: rf.log.command(i), CommandIndex: i})
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
				if rf.log_.On("APPLY") {
					rf.log_.Printf("APPLY", "applied through %d", last.CommandIndex)
				}
			} else {
				rf.log_.Printf("APPLY", "applied snapshot through %d", last.SnapshotIndex)
			}
		}
	}
}
