// Package models holds sequential specifications for porcupine: a key/value
// store with Get/Put/Append (KvModel), a versioned key/value store
// (VersionedKvModel), a register with read/write/compare-and-swap
// (RegisterModel) and a FIFO queue (QueueModel).
//
// Each model documents its input and output types; a history's operations
// must carry exactly those types as Input and Output. A pending operation
// (one that never returned) reaches the model with a nil output, which every
// model here accepts as "any result".
//
// Each model's file also adds it to the catalog (catalog.go) with its name
// in history files ("kv", "register", ...), a summary of its JSON and the
// decoder that reads its operations from a history file: All lists the
// catalog, Lookup finds a model by name, and "distlab check" offers exactly
// those. A new model is one file: the model, its types, and its entry.
//
//	kv.go         KvModel ("kv"): get, put, append, append returning the old value
//	versioned.go  VersionedKvModel ("kv-versioned"): puts conditional on a version
//	register.go   RegisterModel ("register"), and "etcd", the Jepsen etcd register
//	queue.go      QueueModel ("queue")
//	partition.go  partitioning a key/value history by key
//	catalog.go    Named, All, Lookup; the JSON helpers the decoders share
package models
