package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNoArgumentsPrintsUsageAndFails(t *testing.T) {
	var out, errb bytes.Buffer
	require.Equal(t, 2, run(nil, &out, &errb))
	require.Contains(t, errb.String(), "usage: distlab <command>")
}

func TestHelpListsEverySubcommand(t *testing.T) {
	var out, errb bytes.Buffer
	require.Equal(t, 0, run([]string{"help"}, &out, &errb))
	for _, name := range []string{"test", "check", "logs", "chaos", "replay", "report", "mutants", "merge", "autograder"} {
		require.Contains(t, out.String(), "\n  "+name+" ", "help lists %s", name)
	}
}

func TestUnknownCommandIsNamedWithUsage(t *testing.T) {
	var out, errb bytes.Buffer
	require.Equal(t, 2, run([]string{"frobnicate"}, &out, &errb))
	require.Contains(t, errb.String(), `unknown command "frobnicate"`)
	require.Contains(t, errb.String(), "usage: distlab <command>")
}

func TestHelpOfACommandIsItsManual(t *testing.T) {
	var out, errb bytes.Buffer
	run([]string{"help", "check"}, &out, &errb)
	require.Contains(t, out.String()+errb.String(), "-model")
}

func TestHelpOfAnUnknownCommandSaysSo(t *testing.T) {
	var out, errb bytes.Buffer
	require.Equal(t, 2, run([]string{"help", "frobnicate"}, &out, &errb))
	require.Contains(t, errb.String(), `unknown command "frobnicate"`)
}

func TestChaosListsItsTargetsAndNamesAnUnknownOne(t *testing.T) {
	var out, errb bytes.Buffer
	require.Equal(t, 0, run([]string{"chaos", "-h"}, &out, &errb))
	require.Contains(t, out.String(), "\n  raft ")
	require.Contains(t, out.String(), "\n  kvraft ")
	out.Reset()
	require.Equal(t, 2, run([]string{"chaos", "nope"}, &out, &errb))
	require.Contains(t, errb.String(), `unknown lab "nope"`)
}
