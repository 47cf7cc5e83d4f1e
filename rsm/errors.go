package rsm

import "errors"

// Errors returned by Submit. Each means "this server did not apply the
// request, or cannot tell whether it did": the caller should retry the same
// request (same client id and sequence number) at another server, and
// exactly-once delivery makes the retry safe.
var (
	// ErrWrongLeader: this server is not the leader, so the request was
	// not placed in the log.
	ErrWrongLeader = errors.New("rsm: this server is not the leader")
	// ErrLeadershipLost: the request was placed in the log, but this
	// server lost its leadership before it committed there (another
	// operation landed at its index, the term changed, or a snapshot from
	// a new leader replaced that part of the log).
	ErrLeadershipLost = errors.New("rsm: leadership lost before the request committed")
	// ErrTimeout: the request did not commit within the submit timeout,
	// typically because this leader is cut off from a majority.
	ErrTimeout = errors.New("rsm: request did not commit in time")
	// ErrKilled: the RSM was killed while the request was waiting.
	ErrKilled = errors.New("rsm: server killed")
)
