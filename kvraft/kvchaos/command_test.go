package kvchaos

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCommandRejectsBadFlagsNamingThem(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-servers", "2"}, "servers = 2"},
		{[]string{"-clients", "0"}, "clients = 0"},
		{[]string{"-duration", "-1s"}, "duration = -1s"},
		{[]string{"-crash", "-1"}, "-crash -1: a rate cannot be negative"},
		{[]string{"-partition", "0", "-crash", "0", "-restart", "0", "-disconnect", "0", "-cut", "0", "-mode", "0"}, "every fault rate is 0"},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"-nosuchflag"}, "flag provided but not defined: -nosuchflag"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errs strings.Builder
			require.Equal(t, 2, Command(tc.args, &out, &errs))
			require.Contains(t, errs.String(), tc.want)
		})
	}
}

func TestCommandHelpExitsZero(t *testing.T) {
	var out, errs strings.Builder
	require.Equal(t, 0, Command([]string{"-h"}, &out, &errs))
	require.Contains(t, errs.String(), "usage: distlab chaos kvraft")
}
