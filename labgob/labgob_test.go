package labgob

import (
	"bytes"
	"strings"
	"sync"
	"testing"
)

// captureWarnings runs f with warnings sent to a buffer and returns them.
// The tests that use it do not run in parallel: the output is global.
// Each call first forgets the warnings printed before, so that the tests
// can run repeatedly (go test -count=N) in one process.
func captureWarnings(t *testing.T, f func()) string {
	t.Helper()
	warnMu.Lock()
	warned = map[string]bool{}
	warnMu.Unlock()
	checkedTypes.Clear()
	var buf bytes.Buffer
	old := SetWarningOutput(&buf)
	defer SetWarningOutput(old)
	f()
	return buf.String()
}

type roundTripItem struct {
	Key   string
	Value []byte
}

type roundTripState struct {
	Term  int
	Voted *int
	Log   []roundTripItem
	Peers map[string]int
	Any   interface{}
}

func TestRoundTripPreservesExportedFields(t *testing.T) {
	Register(roundTripItem{})
	five := 5
	in := roundTripState{Term: 3, Voted: &five, Log: []roundTripItem{{"a", []byte("x")}, {"b", nil}},
		Peers: map[string]int{"s1": 1}, Any: roundTripItem{Key: "k"}}
	var buf bytes.Buffer
	if err := NewEncoder(&buf).Encode(in); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	var out roundTripState
	if err := NewDecoder(&buf).Decode(&out); err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if out.Term != 3 || out.Voted == nil || *out.Voted != 5 || len(out.Log) != 2 || out.Log[0].Key != "a" ||
		string(out.Log[0].Value) != "x" || out.Peers["s1"] != 1 || out.Any.(roundTripItem).Key != "k" {
		t.Fatalf("decoded %+v, want a copy of %+v", out, in)
	}
}

type lowerInner struct {
	Ok     int
	hidden int
}

type lowerOuter struct {
	Name  string
	Items []lowerInner
	term  int
	Ch    chan int // gob ignores channels by design: no warning
}

func TestEncodeWarnsOncePerLowerCaseFieldIncludingNested(t *testing.T) {
	out := captureWarnings(t, func() {
		for i := 0; i < 3; i++ {
			var buf bytes.Buffer
			if err := NewEncoder(&buf).Encode(lowerOuter{Name: "x", term: 1}); err != nil {
				t.Fatalf("Encode: %v", err)
			}
		}
	})
	if n := strings.Count(out, "labgob warning"); n != 2 {
		t.Fatalf("got %d warnings, want 2 (term and hidden, once each):\n%s", n, out)
	}
	for _, want := range []string{"field term of type", "lowerOuter", "rename it Term",
		"field hidden of type", "lowerInner", "rename it Hidden"} {
		if !strings.Contains(out, want) {
			t.Errorf("warnings do not mention %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Ch") {
		t.Errorf("warned about a channel field, which gob ignores by design:\n%s", out)
	}
}

type uncased struct {
	名  int
	_x int
}

func TestFieldsWithoutUpperCaseInitialAreFlagged(t *testing.T) {
	out := captureWarnings(t, func() { Register(uncased{}) })
	for _, want := range []string{"field 名 of type", "rename it X名", "field _x of type", "rename it X ("} {
		if !strings.Contains(out, want) {
			t.Errorf("warnings do not mention %q:\n%s", want, out)
		}
	}
}

type registeredLower struct{ value int }

func TestRegisterWarnsAboutLowerCaseFields(t *testing.T) {
	out := captureWarnings(t, func() { Register(registeredLower{}) })
	if !strings.Contains(out, "field value of type") {
		t.Fatalf("Register did not warn about the lower-case field; got %q", out)
	}
}

type selfEncoding struct{ secret int }

func (s selfEncoding) GobEncode() ([]byte, error) { return []byte{byte(s.secret)}, nil }
func (s *selfEncoding) GobDecode(b []byte) error  { s.secret = int(b[0]); return nil }

func TestTypesThatEncodeThemselvesAreNotFlagged(t *testing.T) {
	type holder struct{ S selfEncoding }
	out := captureWarnings(t, func() {
		var buf bytes.Buffer
		if err := NewEncoder(&buf).Encode(holder{S: selfEncoding{7}}); err != nil {
			t.Fatalf("Encode: %v", err)
		}
		var h holder
		if err := NewDecoder(&buf).Decode(&h); err != nil || h.S.secret != 7 {
			t.Fatalf("Decode = %v, %+v", err, h)
		}
	})
	if out != "" {
		t.Fatalf("unexpected warning for a GobEncoder: %s", out)
	}
}

type replyInner struct{ Index int }

type decodeReply struct {
	Term    int
	Success bool
	Inner   replyInner
	Next    *replyInner
}

func TestDecodeIntoNonZeroValueWarnsOncePerFieldIncludingNested(t *testing.T) {
	var buf bytes.Buffer
	enc := NewEncoder(&buf)
	for i := 0; i < 3; i++ {
		if err := enc.Encode(decodeReply{}); err != nil { // all zero: nothing sent
			t.Fatalf("Encode: %v", err)
		}
	}
	dec := NewDecoder(&buf)
	var got decodeReply
	out := captureWarnings(t, func() {
		for i := 0; i < 3; i++ {
			got = decodeReply{Term: 4, Inner: replyInner{Index: 9}, Next: &replyInner{Index: 2}}
			if err := dec.Decode(&got); err != nil {
				t.Fatalf("Decode: %v", err)
			}
		}
	})
	// The hazard is real: the stale values survive.
	if got.Term != 4 || got.Inner.Index != 9 {
		t.Fatalf("expected gob to leave the stale values; got %+v", got)
	}
	if n := strings.Count(out, "labgob warning"); n != 3 {
		t.Fatalf("got %d warnings, want 3 (Term, Inner.Index, Next.Index, once each):\n%s", n, out)
	}
	for _, want := range []string{"field labgob.decodeReply.Term", "holds 4",
		"field labgob.decodeReply.Inner.Index", "holds 9", "field labgob.decodeReply.Next.Index", "freshly declared"} {
		if !strings.Contains(out, want) {
			t.Errorf("warnings do not mention %q:\n%s", want, out)
		}
	}
}

func TestDecodeIntoNonZeroScalarWarns(t *testing.T) {
	var buf bytes.Buffer
	if err := NewEncoder(&buf).Encode(0); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	x := 17
	out := captureWarnings(t, func() {
		if err := NewDecoder(&buf).Decode(&x); err != nil {
			t.Fatalf("Decode: %v", err)
		}
	})
	if !strings.Contains(out, "a variable of type int that already holds 17") {
		t.Fatalf("no warning naming the scalar: %q", out)
	}
}

func TestDecodeIntoZeroValueIsSilent(t *testing.T) {
	type fresh struct {
		A int
		B []string
		M map[string]int
	}
	var buf bytes.Buffer
	if err := NewEncoder(&buf).Encode(fresh{A: 1, B: []string{"x"}}); err != nil {
		t.Fatal(err)
	}
	out := captureWarnings(t, func() {
		f := fresh{B: []string{}, M: map[string]int{}} // empty is as good as zero
		if err := NewDecoder(&buf).Decode(&f); err != nil || f.A != 1 {
			t.Fatalf("Decode = %v, %+v", err, f)
		}
	})
	if out != "" {
		t.Fatalf("unexpected warning: %s", out)
	}
}

func TestChecksAreSafeForConcurrentUse(t *testing.T) {
	type concurrent struct {
		A int
		b int
	}
	out := captureWarnings(t, func() {
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var buf bytes.Buffer
				if err := NewEncoder(&buf).Encode(concurrent{A: 1}); err != nil {
					t.Errorf("Encode: %v", err)
				}
			}()
		}
		wg.Wait()
	})
	if n := strings.Count(out, "labgob warning"); n != 1 {
		t.Fatalf("got %d warnings from 8 concurrent encoders, want 1:\n%s", n, out)
	}
}

func TestEncodingANilPointerIsAnErrorNotAPanic(t *testing.T) {
	var buf bytes.Buffer
	err := NewEncoder(&buf).Encode((*roundTripItem)(nil))
	if err == nil || !strings.Contains(err.Error(), "nil *labgob.roundTripItem") {
		t.Fatalf("Encode of a nil pointer returned %v, want an error naming the type", err)
	}
	if err := NewEncoder(&buf).Encode(&roundTripItem{Key: "k"}); err != nil {
		t.Fatalf("Encode of a pointer: %v", err)
	}
}

func TestDecodingIntoANonPointerOrNilPointerSaysPassAPointer(t *testing.T) {
	var buf bytes.Buffer
	if err := NewEncoder(&buf).Encode(roundTripItem{Key: "k"}); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	var item roundTripItem
	for _, tc := range []struct {
		into interface{}
		want string
	}{
		{item, "cannot decode into a labgob.roundTripItem, which is not a pointer: pass &x"},
		{(*roundTripItem)(nil), "cannot decode into a nil *labgob.roundTripItem"},
	} {
		err := NewDecoder(bytes.NewReader(data)).Decode(tc.into)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Decode(%T) returned %v, want an error containing %q", tc.into, err, tc.want)
		}
	}
	if err := NewDecoder(bytes.NewReader(data)).Decode(&item); err != nil || item.Key != "k" {
		t.Fatalf("Decode(&item) = %v, %+v", err, item)
	}
}
