package rsm

// StateMachine is the deterministic service a RSM replicates.
//
// The RSM calls its methods from one goroutine at a time, never
// concurrently, so an implementation needs no locking of its own as long as
// nothing else touches its state. Apply must be deterministic: the same
// commands in the same order from the same state must give the same results
// and state on every replica.
type StateMachine interface {
	// Apply executes one committed command and returns its result, which
	// Submit hands back to the waiting caller. The result must be encodable
	// by labgob (it is kept in snapshots for duplicate detection); register
	// its concrete type with labgob.Register unless it is a basic type.
	Apply(command any) any
	// Snapshot returns the encoded state. The RSM keeps the slice; the
	// state machine must not modify it afterwards.
	Snapshot() []byte
	// Restore replaces the state with one encoded by Snapshot. It returns
	// an error if the bytes cannot be decoded.
	Restore(snapshot []byte) error
}
