// Package models holds sequential specifications for porcupine: a key/value
// store with Get/Put/Append (KvModel), a versioned key/value store
// (VersionedKvModel), a register with read/write/compare-and-swap
// (RegisterModel) and a FIFO queue (QueueModel).
//
// Each model documents its input and output types; a history's operations
// must carry exactly those types as Input and Output. A pending operation
// (one that never returned) reaches the model with a nil output, which every
// model here accepts as "any result".
package models
