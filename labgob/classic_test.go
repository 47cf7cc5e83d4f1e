package labgob

import (
	"bytes"
	"testing"
)

// Independent test suites written for the classic labgob API read the
// unexported errorCount and name the types LabEncoder and LabDecoder; these
// tests hold the package to both.

type classicWarned struct {
	Shown  int
	hidden int // the lower-case field under test
}

func TestErrorCountCountsEachWarning(t *testing.T) {
	var out string
	var before, afterEncode, afterDecode int
	out = captureWarnings(t, func() {
		before = errorCount
		var buf bytes.Buffer
		var enc *LabEncoder = NewEncoder(&buf)
		if err := enc.Encode(classicWarned{Shown: 1}); err != nil {
			t.Fatalf("Encode: %v", err)
		}
		afterEncode = errorCount
		if err := enc.Encode(0); err != nil {
			t.Fatalf("Encode: %v", err)
		}
		var dec *LabDecoder = NewDecoder(&buf)
		var got classicWarned
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("Decode: %v", err)
		}
		stale := 5
		if err := dec.Decode(&stale); err != nil {
			t.Fatalf("Decode: %v", err)
		}
		afterDecode = errorCount
	})
	if afterEncode != before+1 {
		t.Errorf("errorCount went from %d to %d after encoding a type with one lower-case field, want +1\n%s", before, afterEncode, out)
	}
	if afterDecode != afterEncode+1 {
		t.Errorf("errorCount went from %d to %d after decoding into a non-zero int, want +1\n%s", afterEncode, afterDecode, out)
	}
	if Warnings() != errorCount {
		t.Errorf("Warnings() = %d, errorCount = %d: they must agree", Warnings(), errorCount)
	}
}
