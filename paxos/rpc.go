package paxos

// The messages between peers. Every request carries its sender's index and
// Done value (From, Done), and every reply the replier's Done, so that Min
// is learned without messages of its own (done.go).

// PrepareArgs is phase 1(a): a proposer asks an acceptor to promise not to
// accept proposals numbered below N for instance Seq.
type PrepareArgs struct {
	Seq, N     int
	From, Done int
}

// PrepareReply is phase 1(b). OK: the acceptor promised; Na and Va are the
// highest-numbered proposal it accepted (Na 0: none). Otherwise Np is the
// higher number it promised. Decided (with V) short-cuts both: the acceptor
// already knows the chosen value. Forgotten: the acceptor's application is
// done with Seq, so it was decided; Snapshot, when set, is that
// application's snapshot through instance SnapSeq >= Seq (snapshot.go).
type PrepareReply struct {
	OK        bool
	Np, Na    int
	Va        any
	Decided   bool
	V         any
	Forgotten bool
	Snapshot  []byte
	SnapSeq   int
	Done      int
}

// AcceptArgs is phase 2(a): accept proposal (N, V) for instance Seq.
type AcceptArgs struct {
	Seq, N     int
	V          any
	From, Done int
}

// AcceptReply is phase 2(b), with the fields of PrepareReply.
type AcceptReply struct {
	OK        bool
	Np        int
	Decided   bool
	V         any
	Forgotten bool
	Done      int
}

// Decision is one chosen value, and the number of the proposal it was
// chosen as (N; 0 when the teacher does not know it).
type Decision struct {
	Seq int
	V   any
	N   int
}

// LearnArgs tells a peer the values chosen for some instances.
type LearnArgs struct {
	Decisions  []Decision
	From, Done int
}

// LearnReply acknowledges every decision of the request.
type LearnReply struct {
	Done int
}
