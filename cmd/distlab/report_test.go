package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"distlab/labtest/report"
)

func smallReport(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	d := &report.Document{Version: report.Version, Test: "TestSmall", End: 1e9,
		Lanes:   []report.Lane{{Name: "server-0"}, {Name: "server-1"}},
		Methods: []string{"Raft.AppendEntries"}, Fates: []string{"delivered"},
		Messages:      []report.Message{{Call: 1, From: 0, To: 1, Sent: 10, Arrived: 20}, {Call: 1, Kind: 1, From: 1, To: 0, Sent: 20, Arrived: 30}},
		MessagesTotal: 2, MessagesKept: 2}
	_, err := report.Write(dir, d)
	require.NoError(t, err)
	require.NoError(t, os.Remove(filepath.Join(dir, report.HTMLFile)))
	return dir
}

func TestReportRebuildsThePageOfAnArtefactFolder(t *testing.T) {
	dir := smallReport(t)
	var out, errb bytes.Buffer
	require.Equal(t, 0, run([]string{"report", dir}, &out, &errb), errb.String())
	page := filepath.Join(dir, report.HTMLFile)
	require.Equal(t, "file://"+page+"\n", out.String())
	require.FileExists(t, page)
}

func TestReportNamesTheFileAndPlaceOfATruncatedTrace(t *testing.T) {
	dir := smallReport(t)
	path := filepath.Join(dir, report.JSONFile)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, b[:len(b)-40], 0o644))
	var out, errb bytes.Buffer
	require.Equal(t, 1, run([]string{"report", dir}, &out, &errb))
	require.Contains(t, errb.String(), "distlab report: "+path+": line ")
	require.Contains(t, errb.String(), "the document ends early (truncated?)")
	require.NoFileExists(t, filepath.Join(dir, report.HTMLFile))
}

func TestReportOfAFolderWithoutAReportSaysWhatItNeeds(t *testing.T) {
	var out, errb bytes.Buffer
	require.Equal(t, 1, run([]string{"report", t.TempDir()}, &out, &errb))
	require.Contains(t, errb.String(), report.JSONFile)
	require.Equal(t, 1, run([]string{"report", "/no/such/folder"}, &out, &errb))
	require.Contains(t, errb.String(), "/no/such/folder is not a folder")
	require.Equal(t, 2, run([]string{"report"}, &out, &errb))
}
