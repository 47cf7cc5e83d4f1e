package labtest_test

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"distlab/internal/browsertest"
	"distlab/labtest"
	"distlab/labtest/report"
)

// buggyReport runs the non-linearizable register service in a child,
// with the per-peer log kept, and loads the run report of its artefacts.
func buggyReport(t *testing.T) (dir string, d *report.Document, rpcs int) {
	t.Helper()
	// A fixed seed under which the nemesis crashes a server (under some
	// seeds it only partitions, and the test would check no crash interval).
	out, code := runChild(t, "Buggy", labtest.EnvArtifacts+"="+t.TempDir(), labtest.EnvLog+"=1", "DISTLAB_VERBOSE=", labtest.EnvSeed+"="+buggySeed)
	require.Equal(t, 1, code, out)
	dir = artefactDir(t, out)
	require.Contains(t, out, "distlab: report: "+filepath.Join(dir, labtest.ReportFile))
	d, err := report.Load(filepath.Join(dir, report.JSONFile))
	require.NoError(t, err)
	rpcs, err = strconv.Atoi(summaryLine.FindStringSubmatch(out)[3])
	require.NoError(t, err)
	return dir, d, rpcs
}

func TestFailingTestsRunReportHoldsItsMessagesFaultsHistoryAndViolation(t *testing.T) {
	dir, d, rpcs := buggyReport(t)
	var lanes []string
	for _, l := range d.Lanes {
		lanes = append(lanes, l.Name)
	}
	require.Equal(t, []string{"server-0", "server-1", "server-2", "client-0", "client-1", "client-2"}, lanes)
	require.True(t, d.Failed)

	// Every call has its request in the trace: clients read and write,
	// servers pass writes on with Set.
	require.Equal(t, d.MessagesTotal, d.MessagesKept, "the ring did not overflow")
	calls := map[int64]bool{}
	for _, m := range d.Messages {
		if m.Kind != 0 {
			continue
		}
		calls[m.Call] = true
		method := d.Methods[m.Method]
		require.False(t, d.Lanes[m.To].Client, "a request goes to a server: %+v", m)
		require.Equal(t, d.Lanes[m.From].Client, method == "Reg.Read" || method == "Reg.Write", "%s from %s", method, d.Lanes[m.From].Name)
		require.GreaterOrEqual(t, m.Arrived, m.Sent)
	}
	require.Len(t, calls, rpcs, "one request per RPC of the summary line")

	// The faults are the schedule's, as the history view draws them.
	sched, err := labtest.LoadSchedule(filepath.Join(dir, labtest.ScheduleFile))
	require.NoError(t, err)
	scheduled := 0
	for _, e := range sched.Events {
		if e.Kind == labtest.KindCrash {
			scheduled++
		}
	}
	crashes := 0
	for _, f := range d.Faults {
		if f.Text == "crashed" {
			crashes++
			require.True(t, strings.HasPrefix(f.Lane, "server-"), f.Lane)
			require.LessOrEqual(t, f.Start, f.End)
		}
	}
	require.Positive(t, crashes, "the nemesis crashed servers: %+v", d.Faults)
	require.Equal(t, scheduled, crashes, "a crash interval per crash of the schedule")

	// The history is not linearizable; the first operation that cannot
	// be linearized is marked, and is a violation at its return.
	require.NotNil(t, d.History)
	require.Equal(t, "illegal", d.History.Verdict)
	require.GreaterOrEqual(t, d.History.Bad, 0)
	bad := d.History.Ops[d.History.Bad]
	require.Equal(t, -1, bad.Lin)
	require.NotEmpty(t, d.Violations)
	v := d.Violations[len(d.Violations)-1]
	require.Equal(t, bad.Return, v.At)
	require.Contains(t, v.Text, "linearizability: client "+strconv.Itoa(bad.Client))
}

func TestFailingTestsRunReportOpensInABrowser(t *testing.T) {
	chromium := browsertest.Chromium(t)
	dir, d, _ := buggyReport(t)
	out, stderr := browsertest.Run(t, chromium, "--enable-logging=stderr", "--v=0", "--dump-dom", "file://"+filepath.Join(dir, report.HTMLFile))
	require.NotContains(t, string(stderr), "Uncaught")
	dom := browsertest.Markup(out)
	require.Contains(t, dom, `data-ready="1"`)
	require.Contains(t, dom, `data-shown="`+strconv.Itoa(len(d.Messages))+`"`)
	require.Equal(t, 3, browsertest.Count(dom, `class="lane client" data-lane="client-\d"`))
	require.Equal(t, 3, browsertest.Count(dom, `class="lane" data-lane="server-\d"`))
	require.Equal(t, len(d.Violations), browsertest.Count(dom, `class="violation[^"]*" data-v=`))
	require.Equal(t, 1, browsertest.Count(dom, `class="violation selected"`), "the first violation is selected")
	require.Contains(t, dom, "history: NOT LINEARIZABLE")
}

func TestPassingTestWritesItsReportUnderDistlabReport(t *testing.T) {
	dir := t.TempDir()
	out, code := runChild(t, "Pass", labtest.EnvReport+"="+dir, labtest.EnvArtifacts+"="+t.TempDir())
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "distlab: report: "+filepath.Join(dir, report.HTMLFile))
	require.NotContains(t, out, "distlab: artifacts=")
	d, err := report.Load(filepath.Join(dir, report.JSONFile))
	require.NoError(t, err)
	require.False(t, d.Failed)
	require.Len(t, d.Lanes, 3)
	require.Positive(t, d.MessagesTotal)
	var faults []string
	for _, f := range d.Faults {
		faults = append(faults, f.Lane+" "+f.Text)
	}
	require.Equal(t, []string{"server-1 crashed"}, faults)
	require.Empty(t, d.Violations)
	require.Contains(t, d.LogsNote, labtest.EnvLog+"=1")
}

func TestTheTestsLogIsInItsReport(t *testing.T) {
	out, code := runChild(t, "Logged", labtest.EnvArtifacts+"="+t.TempDir(), labtest.EnvLog+"=1", "DISTLAB_VERBOSE=")
	require.Equal(t, 1, code, out)
	d, err := report.Load(filepath.Join(artefactDir(t, out), report.JSONFile))
	require.NoError(t, err)
	// A peer 2 with no cluster has no lane of its own.
	require.Equal(t, []report.LogLine{{At: 1500e6, Lane: -1, Topic: "TEST", Text: "hello from S2"}}, d.Logs)
}

func TestRecordingCanBeTurnedOffOrBounded(t *testing.T) {
	for _, c := range []struct {
		trace string
		kept  func(total int) int
	}{
		{"0", func(int) int { return 0 }},
		{"5", func(total int) int { return min(total, 5) }},
	} {
		dir := t.TempDir()
		out, code := runChild(t, "Pass", labtest.EnvReport+"="+dir, labtest.EnvTrace+"="+c.trace)
		require.Equal(t, 0, code, out)
		d, err := report.Load(filepath.Join(dir, report.JSONFile))
		require.NoError(t, err)
		require.Equal(t, c.kept(d.MessagesTotal), d.MessagesKept, "%s=%s", labtest.EnvTrace, c.trace)
		require.Len(t, d.Messages, d.MessagesKept)
	}
	out, code := runChild(t, "Pass", labtest.EnvTrace+"=lots")
	require.Equal(t, 1, code, out)
	require.Contains(t, out, `DISTLAB_TRACE="lots": want a number of messages to keep, or 0 for none`)
}

func TestRecordStatesRecordsEachServersStateAndCrashes(t *testing.T) {
	dir := t.TempDir()
	labtest.Run(t, func(t *testing.T) {
		c := labtest.NewCluster(t, 3, startBeat(100*time.Millisecond))
		incarnation := map[*Beat]int{}
		c.RecordStates(50*time.Millisecond, func(i int, b *Beat) report.State {
			if _, ok := incarnation[b]; !ok {
				incarnation[b] = len(incarnation)
			}
			return report.State{Role: "beating", Term: incarnation[b]}
		})
		time.Sleep(time.Second)
		c.Crash(1)
		time.Sleep(time.Second)
		c.Restart(1)
		time.Sleep(time.Second)
		_, err := labtest.WorldOf(t).WriteReport(dir)
		require.NoError(t, err)
	})
	d, err := report.Load(filepath.Join(dir, report.JSONFile))
	require.NoError(t, err)
	var s1 []string
	var at []time.Duration
	for _, s := range d.States {
		if d.Lanes[s.Lane].Name == "server-1" {
			s1 = append(s1, fmt.Sprintf("%s %d", s.Role, s.Term))
			at = append(at, time.Duration(s.At))
		}
	}
	// Each change is seen at the first look after it (looks 50 ms apart).
	require.Equal(t, []string{"beating 1", "down 0", "beating 3"}, s1)
	require.Equal(t, time.Duration(0), at[0])
	require.Len(t, d.Faults, 1)
	crash, restart := time.Duration(d.Faults[0].Start), time.Duration(d.Faults[0].End)
	require.True(t, at[1] >= crash && at[1] <= crash+100*time.Millisecond, "crash at %v seen at %v", crash, at[1])
	require.True(t, at[2] >= restart && at[2] <= restart+100*time.Millisecond, "restart at %v seen at %v", restart, at[2])
}

// buggySeed is the seed of buggyReport's run: one under which the nemesis
// crashes a server and the history is judged not linearizable.
const buggySeed = "1"
