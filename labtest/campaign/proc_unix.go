//go:build unix

package campaign

import (
	"os/exec"
	"syscall"
)

// ownGroup starts cmd in a process group of its own, so that stop reaches
// the worker and the child process it runs the campaign in.
func ownGroup(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }

// stop asks a worker's whole group to stop (SIGTERM, which a campaign
// handles like Ctrl-C: it writes what it finished and exits).
func stop(cmd *exec.Cmd) { syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
