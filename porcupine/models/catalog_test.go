package models_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	. "distlab/porcupine/models"
)

func TestCatalogNamesEveryModelOnceSortedWithADecoderAndASummary(t *testing.T) {
	seen := map[string]bool{}
	var names []string
	for _, m := range All() {
		names = append(names, m.Name)
		for _, n := range append([]string{m.Name}, m.Aliases...) {
			require.False(t, seen[n], "name %q used twice", n)
			seen[n] = true
			got, ok := Lookup(n)
			require.True(t, ok, n)
			require.Equal(t, m.Name, got.Name, "Lookup(%q)", n)
		}
		require.NotNil(t, m.Decode, m.Name)
		require.NotNil(t, m.Model.Step, m.Name)
		require.NotEmpty(t, m.Summary, m.Name)
	}
	require.Equal(t, []string{"etcd", "kv", "kv-versioned", "queue", "register"}, names)
	_, ok := Lookup("nope")
	require.False(t, ok)
}

func decode(t *testing.T, model, input, output string) (any, any, error) {
	t.Helper()
	m, ok := Lookup(model)
	require.True(t, ok, model)
	var out json.RawMessage
	if output != "" {
		out = json.RawMessage(output)
	}
	return m.Decode(json.RawMessage(input), out)
}

func TestEachDecoderReadsItsModelsOperationsByNameOrNumber(t *testing.T) {
	for _, tc := range []struct {
		model, input, output string
		in, out              any
	}{
		{"kv", `{"op": "append-old", "key": "k", "value": "v"}`, `{"value": "old"}`, KvInput{Op: OpAppendOld, Key: "k", Value: "v"}, KvOutput{Value: "old"}},
		{"kv", `{"Op": 3, "Key": "k", "Value": "v"}`, ``, KvInput{Op: 3, Key: "k", Value: "v"}, nil},
		{"register", `{"op": "cas", "value": 2, "expect": 1}`, `{"ok": true}`, RegisterInput{Op: RegisterCAS, Value: 2, Expect: 1}, RegisterOutput{Ok: true}},
		{"versioned", `{"op": "put", "key": "k", "value": "v", "version": 3}`, `{"err": "ErrVersion"}`,
			VersionedInput{Op: 1, Key: "k", Value: "v", Version: 3}, VersionedOutput{Err: ErrVersion}},
		{"queue", `{"op": "dequeue"}`, `{"empty": true}`, QueueInput{Op: 1}, QueueOutput{Empty: true}},
	} {
		in, out, err := decode(t, tc.model, tc.input, tc.output)
		require.NoError(t, err, "%s %s", tc.model, tc.input)
		require.Equal(t, tc.in, in, "%s %s", tc.model, tc.input)
		require.Equal(t, tc.out, out, "%s %s", tc.model, tc.output)
	}
}

func TestDecodersNameTheJSONAtFault(t *testing.T) {
	for _, tc := range []struct{ model, input, output, want string }{
		{"kv", `{"op": "delete", "key": "k"}`, ``, `input {"op": "delete", "key": "k"}: unknown op "delete"; expected one of get, put, append, append-old`},
		{"kv", `{"op": 4}`, ``, `op is 4; expected one of get, put, append, append-old (or its number from 0)`},
		{"kv", `{"op": "get", "colour": "red"}`, ``, `unknown field "colour"`},
		{"register", `{"op": "read"}`, `{}`, `output {}: a read needs "value"`},
		{"kv-versioned", `{"op": "get"}`, `{"err": "Nope"}`, `"err" is "Nope"`},
	} {
		_, _, err := decode(t, tc.model, tc.input, tc.output)
		require.ErrorContains(t, err, tc.want, "%s %s %s", tc.model, tc.input, tc.output)
	}
}
