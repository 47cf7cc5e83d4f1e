package labtest_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"distlab/labtest"
)

func requireNoViolation[V any](t *testing.T, a *labtest.Agreement[V]) {
	t.Helper()
	require.Empty(t, a.Violations())
	select {
	case <-a.Failed():
		t.Fatal("Failed closed without a violation")
	default:
	}
}

func requireViolations[V any](t *testing.T, a *labtest.Agreement[V], want ...string) {
	t.Helper()
	got := a.Violations()
	require.Len(t, got, len(want), "violations: %q", got)
	for i, w := range want {
		require.Contains(t, got[i], w, "violation %d", i)
	}
	select {
	case <-a.Failed():
	default:
		t.Fatal("Failed not closed after a violation")
	}
}

func TestAgreementAcceptsPeersApplyingTheSameLogInOrder(t *testing.T) {
	a := labtest.NewAgreement[string](nil)
	for i, v := range []string{"a", "b", "c"} {
		for p := range 3 {
			a.Apply(p, i+1, v)
		}
	}
	requireNoViolation(t, a)
	n, v := a.Applied(2)
	require.Equal(t, 3, n)
	require.Equal(t, "b", v)
	n, _ = a.Applied(4)
	require.Zero(t, n)
}

func TestAgreementReportsTwoValuesInOneSlot(t *testing.T) {
	a := labtest.NewAgreement[string](nil)
	a.Apply(0, 1, "x")
	a.Apply(1, 1, "y")
	requireViolations(t, a, "one value per slot: S1 applied y at index 1, but S0 had x there")
}

func TestAgreementRemembersSlotsAcrossRestarts(t *testing.T) {
	// S0 applied "x" at 1, then crashed; S1 applying "y" there later is
	// still a violation although no live peer holds "x".
	a := labtest.NewAgreement[string](nil)
	a.Apply(0, 1, "x")
	a.Restart(0)
	a.Apply(1, 1, "y")
	requireViolations(t, a, "S1 applied y at index 1, but S0 had x")
}

func TestAgreementReportsGapsAndRepeatsInApplyOrder(t *testing.T) {
	a := labtest.NewAgreement[int](nil)
	a.Apply(0, 1, 10)
	a.Apply(0, 3, 30) // skipped 2
	a.Apply(0, 3, 30) // applied 3 twice
	requireViolations(t, a,
		"apply order: S0 applied index 3 after 1",
		"apply order: S0 applied index 3 after 3")
}

func TestAgreementLetsASnapshotJumpAheadButNotBack(t *testing.T) {
	a := labtest.NewAgreement[int](nil)
	a.Apply(0, 1, 10)
	a.Snapshot(0, 5)
	a.Apply(0, 6, 60)
	requireNoViolation(t, a)
	n, _ := a.Applied(4)
	require.Equal(t, 1, n, "a snapshot through 5 reaches index 4")

	a.Snapshot(0, 6)
	requireViolations(t, a, "apply order: S0 installed a snapshot through 6 after applying 6")
}

func TestAgreementRestartedPeerStartsOverFromOneOrASnapshot(t *testing.T) {
	a := labtest.NewAgreement[int](nil)
	a.Apply(0, 1, 10)
	a.Apply(0, 2, 20)
	a.Restart(0)
	n, _ := a.Applied(1)
	require.Zero(t, n, "a restarted peer has applied nothing yet")
	a.Apply(0, 1, 10)
	a.Restart(0)
	a.Snapshot(0, 2)
	a.Apply(0, 3, 30)
	requireNoViolation(t, a)
}

func TestAgreementChecksValuesHeldInASnapshot(t *testing.T) {
	a := labtest.NewAgreement[int](nil)
	a.Apply(0, 1, 10)
	a.Holds(1, 1, 11)
	requireViolations(t, a, "one value per slot: S1 holds 11 at index 1, but S0 had 10")
	n, _ := a.Applied(1)
	require.Equal(t, 1, n, "Holds does not move the peer's apply position")
}

func TestAgreementComparesWithTheCallersEquality(t *testing.T) {
	sameLen := func(a, b []int) bool { return len(a) == len(b) }
	a := labtest.NewAgreement(sameLen)
	a.Apply(0, 1, []int{1, 2})
	a.Apply(1, 1, []int{3, 4})
	requireNoViolation(t, a)
	a.Apply(2, 1, []int{1})
	requireViolations(t, a, "S2 applied [1] at index 1")
}

func TestAgreementDefaultEqualityHandlesUncomparableValues(t *testing.T) {
	a := labtest.NewAgreement[any](nil)
	a.Apply(0, 1, []int{1, 2})
	a.Apply(1, 1, []int{1, 2})
	a.Apply(0, 2, map[string]int{"k": 1})
	a.Apply(1, 2, "not a map")
	requireViolations(t, a, "S1 applied not a map at index 2")
}

func TestAgreementListsViolationsFirstFoundFirstFromAnyGoroutine(t *testing.T) {
	a := labtest.NewAgreement[int](nil)
	a.Violate("poller: first")
	var wg sync.WaitGroup
	for p := range 4 {
		wg.Go(func() {
			for i := 1; i <= 50; i++ {
				a.Apply(p, i, i*10+p) // every peer disagrees with the first
			}
		})
	}
	wg.Wait()
	a.Violate("poller: last")
	got := a.Violations()
	require.Equal(t, "poller: first", got[0])
	require.Len(t, got, 100, "the list is bounded")
	require.Equal(t, 2+3*50, a.Count(), "every violation is counted")
	require.NotContains(t, strings.Join(got, "\n"), "poller: last", "beyond the bound")
}

func ExampleAgreement() {
	// Each peer's service reports what its peer applies.
	a := labtest.NewAgreement[string](nil)
	a.Apply(0, 1, "put x")
	a.Apply(1, 1, "put x")
	a.Apply(1, 2, "put y")
	a.Apply(0, 2, "put z")
	n, v := a.Applied(1)
	fmt.Println(n, v)
	fmt.Println(a.Violations())
	// Output:
	// 2 put x
	// [one value per slot: S0 applied put z at index 2, but S1 had put y there]
}
