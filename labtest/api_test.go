package labtest_test

import (
	"testing"

	"distlab/internal/apilist"
)

func TestExportedAPIIsTheReviewedList(t *testing.T) {
	if err := apilist.Check(".", "api.txt"); err != nil {
		t.Fatal(err)
	}
}
