package paxos

// An acceptor takes no part in an instance its own application said Done
// with (doneHere): its state there is not saved (persist.go), so a promise
// made there could be forgotten in a crash. It answers with the decision if
// it still knows it, and Forgotten otherwise.

// Prepare is the acceptor's phase 1(b): it promises not to accept any
// proposal numbered below args.N, unless it already promised a higher one,
// and reports the highest-numbered proposal it accepted. The promise is on
// stable storage before the reply leaves.
func (px *Paxos) Prepare(args *PrepareArgs, reply *PrepareReply) {
	px.mu.Lock()
	defer px.mu.Unlock()
	reply.Done = px.dones[px.me]
	if px.dead {
		return
	}
	px.heardDone(args.From, args.Done)
	if px.doneHere(args.Seq) {
		if in, ok := px.insts[args.Seq]; ok && in.decided {
			reply.Decided, reply.V = true, in.v
			return
		}
		reply.Forgotten = true
		if px.snapshot != nil && px.snapSeq >= args.Seq {
			reply.Snapshot, reply.SnapSeq = px.snapshot, px.snapSeq
		}
		return
	}
	in := px.instance(args.Seq)
	if in.decided {
		reply.Decided, reply.V = true, in.v
		return
	}
	if args.N <= in.np {
		reply.Np = in.np
		return
	}
	in.np = args.N
	px.persist()
	reply.OK, reply.Na, reply.Va = true, in.na, in.va
	px.lg.Printf("PREPARE", "instance %d: promised %d to S%d (accepted %d)", args.Seq, args.N, args.From, in.na)
}

// Accept is the acceptor's phase 2(b): it accepts proposal (N, V) unless it
// promised a higher number (P1a). The accepted proposal is on stable storage
// before the reply leaves.
func (px *Paxos) Accept(args *AcceptArgs, reply *AcceptReply) {
	px.mu.Lock()
	defer px.mu.Unlock()
	reply.Done = px.dones[px.me]
	if px.dead {
		return
	}
	px.heardDone(args.From, args.Done)
	if px.doneHere(args.Seq) {
		if in, ok := px.insts[args.Seq]; ok && in.decided {
			reply.Decided, reply.V = true, in.v
			return
		}
		reply.Forgotten = true
		return
	}
	in := px.instance(args.Seq)
	if in.decided {
		reply.Decided, reply.V = true, in.v
		return
	}
	if args.N < in.np {
		reply.Np = in.np
		return
	}
	in.np, in.na, in.va = args.N, args.N, args.V
	in.vref = 0 // va is to be logged
	px.persist()
	reply.OK = true
	px.lg.Printf("ACCEPT", "instance %d: accepted %d from S%d", args.Seq, args.N, args.From)
}
