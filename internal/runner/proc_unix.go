//go:build unix

package runner

import (
	"os/exec"
	"syscall"
)

// inOwnGroup makes cmd the leader of a new process group, so that killGroup
// reaches every process the test starts.
func inOwnGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// inGroup puts cmd in the process group pgid.
func inGroup(cmd *exec.Cmd, pgid int) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pgid: pgid}
}

// killGroup kills the process group led by pid. It is harmless when the
// group is already empty.
func killGroup(pid int) error {
	err := syscall.Kill(-pid, syscall.SIGKILL)
	if err == syscall.ESRCH {
		return nil
	}
	return err
}
