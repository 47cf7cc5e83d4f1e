package mr_test

import (
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"distlab/mr"
	"distlab/mr/apps"
)

// TestClassicAPIRunsAJobOverTheDefaultSocket drives a job the way the classic
// lab programs do: MakeCoordinator, Worker and a Done loop, with the address
// from DISTLAB_MR_ADDR and files in the working directory.
func TestClassicAPIRunsAJobOverTheDefaultSocket(t *testing.T) {
	dir := shortTempDir(t)
	t.Chdir(dir)
	t.Setenv(mr.AddrEnv, "unix:"+filepath.Join(dir, "sock"))
	seed := testSeed(t)
	abs := genInputs(t, dir, seed, 5, 10_000)
	var files []string
	for _, f := range abs {
		files = append(files, filepath.Base(f)) // relative, as on a classic command line
	}
	wc := apps.WordCount()
	want := reference(t, wc, abs)

	c := mr.MakeCoordinator(files, 4)
	require.NoError(t, c.Err())
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() { mr.Worker(wc.Map, wc.Reduce) })
	}
	for !c.Done() {
		time.Sleep(10 * time.Millisecond)
	}
	c.Drain(time.Second)
	wg.Wait() // the workers were told the job is over
	require.NoError(t, c.Close())
	require.Equal(t, want, outputs(t, dir))
}

func TestClassicMakeCoordinatorReportsABadJobThroughErr(t *testing.T) {
	t.Setenv(mr.AddrEnv, "unix:"+filepath.Join(shortTempDir(t), "sock"))
	c := mr.MakeCoordinator([]string{"no-such-file.txt"}, 3)
	require.True(t, c.Done(), "a job that cannot start is over at once")
	require.ErrorContains(t, c.Err(), "no-such-file.txt")
	require.ErrorContains(t, c.Wait(), "no-such-file.txt")
	require.NoError(t, c.Close())
}
