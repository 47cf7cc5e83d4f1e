package versioned

// Err is the outcome of a versioned operation.
type Err string

// The outcomes. Their texts are those of porcupine/models' VersionedKvModel.
const (
	OK         Err = "OK"
	ErrNoKey   Err = "ErrNoKey"   // Get of a missing key; Put with a version > 0 of a missing key
	ErrVersion Err = "ErrVersion" // Put whose version is not the key's current one: nothing changed
	ErrMaybe   Err = "ErrMaybe"   // a resent Put got ErrVersion: the first try may have taken effect
)

// GetArgs is the request of KVServer.Get.
type GetArgs struct {
	Key string
}

// GetReply is the reply of KVServer.Get: the key's value and version, or
// Err ErrNoKey.
type GetReply struct {
	Value   string
	Version uint64
	Err     Err
}

// PutArgs is the request of KVServer.Put: install Value if Key's version
// is Version (0 for a key that does not exist yet).
type PutArgs struct {
	Key     string
	Value   string
	Version uint64
}

// PutReply is the reply of KVServer.Put: OK, ErrVersion or ErrNoKey.
type PutReply struct {
	Err Err
}
