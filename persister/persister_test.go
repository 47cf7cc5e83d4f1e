package persister

import (
	"bytes"
	"sync"
	"testing"
)

func TestNewPersisterIsEmpty(t *testing.T) {
	ps := MakePersister()
	if ps.ReadRaftState() != nil || ps.ReadSnapshot() != nil || ps.RaftStateSize() != 0 || ps.SnapshotSize() != 0 {
		t.Fatal("a new Persister is not empty")
	}
	var zero Persister
	if zero.RaftStateSize() != 0 || zero.ReadSnapshot() != nil {
		t.Fatal("the zero Persister is not empty")
	}
}

func TestSaveStoresBothAndSizesMatch(t *testing.T) {
	ps := MakePersister()
	ps.Save([]byte("state"), []byte("snapshot!"))
	if got := ps.ReadRaftState(); string(got) != "state" {
		t.Fatalf("ReadRaftState = %q", got)
	}
	if got := ps.ReadSnapshot(); string(got) != "snapshot!" {
		t.Fatalf("ReadSnapshot = %q", got)
	}
	if ps.RaftStateSize() != 5 || ps.SnapshotSize() != 9 {
		t.Fatalf("sizes %d, %d; want 5, 9", ps.RaftStateSize(), ps.SnapshotSize())
	}
	ps.Save([]byte("s2"), nil)
	if ps.ReadSnapshot() != nil || ps.SnapshotSize() != 0 || string(ps.ReadRaftState()) != "s2" {
		t.Fatal("Save with a nil snapshot did not clear the snapshot")
	}
}

func TestSaveCopiesItsArguments(t *testing.T) {
	ps := MakePersister()
	state, snap := []byte("abc"), []byte("xyz")
	ps.Save(state, snap)
	state[0], snap[0] = 'Z', 'Z'
	if string(ps.ReadRaftState()) != "abc" || string(ps.ReadSnapshot()) != "xyz" {
		t.Fatal("changing the saved slices changed the stored data")
	}
}

func TestSavingTheSameSnapshotAgainStillCopiesIt(t *testing.T) {
	// Save keeps its stored snapshot when the bytes are unchanged; the
	// caller's slice, saved twice, must still not reach the stored data.
	ps := MakePersister()
	state, snap := []byte("abc"), []byte("xyz")
	ps.Save(state, snap)
	ps.Save(state, snap)
	snap[0] = 'Z'
	if got := string(ps.ReadSnapshot()); got != "xyz" {
		t.Fatalf("after saving a snapshot twice and changing it, ReadSnapshot = %q, want %q", got, "xyz")
	}
	ps.Save(state, snap) // now different: stored anew
	snap[1] = 'Z'
	if got := string(ps.ReadSnapshot()); got != "Zyz" {
		t.Fatalf("ReadSnapshot = %q, want %q", got, "Zyz")
	}
	ps.Save(state, []byte{})
	if ps.ReadSnapshot() != nil || ps.SnapshotSize() != 0 {
		t.Fatal("saving an empty snapshot did not clear the stored one")
	}
}

func TestReadsReturnCallersOwnCopies(t *testing.T) {
	ps := MakePersister()
	ps.Save([]byte("abc"), []byte("xyz"))
	s, n := ps.ReadRaftState(), ps.ReadSnapshot()
	s[0], n[0] = 'Z', 'Z'
	if string(ps.ReadRaftState()) != "abc" || string(ps.ReadSnapshot()) != "xyz" {
		t.Fatal("changing a returned slice changed the stored data")
	}
}

func TestCopyIsIndependentOfTheOriginal(t *testing.T) {
	old := MakePersister()
	old.Save([]byte("v1"), []byte("snap1"))
	fresh := old.Copy()
	if string(fresh.ReadRaftState()) != "v1" || string(fresh.ReadSnapshot()) != "snap1" {
		t.Fatal("Copy does not hold the original's data")
	}
	// The crashed server's late write must not reach its successor, and
	// the successor's writes must not reach the old storage.
	old.Save([]byte("late write"), nil)
	if string(fresh.ReadRaftState()) != "v1" || string(fresh.ReadSnapshot()) != "snap1" {
		t.Fatal("a write to the original changed the copy")
	}
	fresh.Save([]byte("v2"), []byte("snap2"))
	if string(old.ReadRaftState()) != "late write" || old.ReadSnapshot() != nil {
		t.Fatal("a write to the copy changed the original")
	}
}

func TestASaveThatFitsTheStoredBufferReachesNeitherACopyNorAnEarlierRead(t *testing.T) {
	// Save reuses the stored buffer when the new state fits in it.
	ps := MakePersister()
	ps.Save([]byte("first state"), nil)
	read, cp := ps.ReadRaftState(), ps.Copy()
	ps.Save([]byte("later"), nil)
	ps.Save([]byte("LATER STATE"), nil)
	if string(read) != "first state" || string(cp.ReadRaftState()) != "first state" {
		t.Fatalf("a later save changed an earlier read (%q) or a copy (%q)", read, cp.ReadRaftState())
	}
	if got := string(ps.ReadRaftState()); got != "LATER STATE" || ps.RaftStateSize() != len(got) {
		t.Fatalf("ReadRaftState = %q (size %d), want the last save", got, ps.RaftStateSize())
	}
}

func TestConcurrentUseIsSafe(t *testing.T) {
	ps := MakePersister()
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				b := bytes.Repeat([]byte{byte(w)}, i%17+1)
				ps.Save(b, b)
			}
		}()
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				s, n := ps.ReadRaftState(), ps.ReadSnapshot()
				ps.RaftStateSize()
				ps.Copy()
				// Each Save writes the same bytes to both, and a read of
				// one is atomic: all bytes of a state agree.
				for _, b := range [][]byte{s, n} {
					if len(b) > 0 && !bytes.Equal(b, bytes.Repeat(b[:1], len(b))) {
						t.Errorf("torn read: %v", b)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	c := ps.Copy()
	if !bytes.Equal(c.ReadRaftState(), c.ReadSnapshot()) {
		t.Fatal("state and snapshot saved together differ in the final copy")
	}
}
