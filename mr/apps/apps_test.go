package apps

import (
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"

	"distlab/mr"
)

func TestEveryCompiledInAppCanBeLookedUp(t *testing.T) {
	want := []string{"crash", "early_exit", "indexer", "jobcount", "mtiming", "nocrash", "rtiming", "wc"}
	require.Equal(t, want, Names())
	for _, n := range want {
		app, err := Load(n)
		require.NoError(t, err)
		require.Equal(t, n, app.Name)
		require.NotNil(t, app.Map)
		require.NotNil(t, app.Reduce)
	}
}

func TestUnknownAppErrorListsTheKnownOnes(t *testing.T) {
	_, err := Load("wordcount")
	require.ErrorContains(t, err, `unknown application "wordcount"`)
	require.ErrorContains(t, err, "indexer, jobcount")
}

func TestMissingPluginErrorNamesTheFile(t *testing.T) {
	_, err := Load("./no-such-app.so")
	require.ErrorContains(t, err, "no-such-app.so")
}

func TestWordCountSplitsOnEverythingButLetters(t *testing.T) {
	app := WordCount()
	kvs := app.Map("f", "Hello, wörld! hello--42x\nHello")
	var words []string
	for _, kv := range kvs {
		require.Equal(t, "1", kv.Value)
		words = append(words, kv.Key)
	}
	require.Equal(t, []string{"Hello", "wörld", "hello", "x", "Hello"}, words)
	require.Equal(t, "3", app.Reduce("Hello", []string{"1", "1", "1"}))
}

func TestIndexerEmitsEachWordOncePerFile(t *testing.T) {
	app := Indexer()
	kvs := app.Map("doc1", "a b a c b")
	require.Equal(t, []mr.KeyValue{{Key: "a", Value: "doc1"}, {Key: "b", Value: "doc1"}, {Key: "c", Value: "doc1"}}, kvs)
	require.Equal(t, "2 d1,d2", app.Reduce("a", []string{"d2", "d1"}))
}

func TestCrashAppStopsAThirdAndStallsAThirdOfCalls(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		stops := 0
		app := Crash(42, func() { stops++ })
		stalls := 0
		const n = 900
		for range n {
			start := time.Now()
			app.Map("f", "some words here")
			if d := time.Since(start); d > 0 {
				require.LessOrEqual(t, d, 10*time.Second)
				stalls++
			}
		}
		require.InDelta(t, n/3, stops, n/10)
		require.InDelta(t, n/3, stalls, n/10)
		want := NoCrash().Map("f", "some words here")
		require.Equal(t, want, app.Map("f", "some words here")[:len(want)])
	})
}

func TestNoCrashSummaryIsOrderIndependent(t *testing.T) {
	app := NoCrash()
	kvs := app.Map("f", "one two three")
	var vals []string
	for _, kv := range kvs {
		require.Equal(t, "f", kv.Key)
		vals = append(vals, kv.Value)
	}
	rev := slices.Clone(vals)
	slices.Reverse(rev)
	require.Equal(t, app.Reduce("f", vals), app.Reduce("f", rev))
	require.Contains(t, app.Reduce("f", vals), "words=3")
}
