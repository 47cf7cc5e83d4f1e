package campaign

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// fails holds when the kept items include all of need.
func fails(need ...int) Trial {
	return func(_ context.Context, keep []int) (bool, error) {
		for _, x := range need {
			if !slices.Contains(keep, x) {
				return false, nil
			}
		}
		return true, nil
	}
}

func TestShrinkingFindsTheFewEventsAFailureNeeds(t *testing.T) {
	keep, trials, err := ShrinkList(context.Background(), 40, 0, fails(3, 17, 31))
	require.NoError(t, err)
	require.Equal(t, []int{3, 17, 31}, keep)
	require.Less(t, trials, 120)

	keep, _, err = ShrinkList(context.Background(), 40, 0, fails())
	require.NoError(t, err)
	require.Empty(t, keep, "a failure that needs no event shrinks to none")

	keep, _, err = ShrinkList(context.Background(), 1, 0, fails(0))
	require.NoError(t, err)
	require.Equal(t, []int{0}, keep)
}

func TestShrinkingStopsAtItsBudgetWithTheBestSoFar(t *testing.T) {
	// Nothing, each half, each quarter fail to hold; the second quarter's
	// complement, the ninth trial, holds.
	keep, trials, err := ShrinkList(context.Background(), 64, 9, fails(5, 60))
	require.NoError(t, err)
	require.Equal(t, 9, trials)
	require.Contains(t, keep, 5)
	require.Contains(t, keep, 60)
	require.Len(t, keep, 48)
}
