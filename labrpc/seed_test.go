package labrpc

import "testing"

func TestEndRandIsDeterministicPerSeedNameAndCallCount(t *testing.T) {
	draws := func(seed int64, end string) [3]uint64 {
		rn := MakeNetwork()
		defer rn.Cleanup()
		rn.SetSeed(seed)
		e := rn.MakeEnd(end)
		return [3]uint64{e.Rand().Uint64(), e.Rand().Uint64(), e.Rand().Uint64()}
	}
	a := draws(7, "peer0")
	if b := draws(7, "peer0"); a != b {
		t.Fatalf("same seed and end gave %v then %v", a, b)
	}
	if a[0] == a[1] || a[1] == a[2] {
		t.Fatalf("successive Rand calls gave the same generator: %v", a)
	}
	if b := draws(8, "peer0"); a == b || a[0] == b[0] {
		t.Fatalf("different seeds gave %v and %v", a, b)
	}
	if b := draws(7, "peer1"); a[0] == b[0] {
		t.Fatalf("different ends gave the same generator: %v and %v", a, b)
	}
}

func TestSetSeedRestartsEndRand(t *testing.T) {
	rn := MakeNetwork()
	defer rn.Cleanup()
	rn.SetSeed(3)
	e := rn.MakeEnd("x")
	first := e.Rand().Uint64()
	e.Rand()
	rn.SetSeed(3)
	if again := e.Rand().Uint64(); again != first {
		t.Fatalf("after SetSeed(3) again, Rand gave %d, want %d", again, first)
	}
}

func TestMakeNetworkTakesSeedFromEnvironment(t *testing.T) {
	t.Setenv("DISTLAB_SEED", "12345")
	rn := MakeNetwork()
	defer rn.Cleanup()
	if rn.Seed() != 12345 {
		t.Fatalf("Seed() = %d with DISTLAB_SEED=12345", rn.Seed())
	}
}
