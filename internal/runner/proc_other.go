//go:build !unix

package runner

import (
	"os"
	"os/exec"
)

// inOwnGroup is a no-op where process groups do not exist.
func inOwnGroup(cmd *exec.Cmd) {}

// inGroup is a no-op where process groups do not exist.
func inGroup(cmd *exec.Cmd, pgid int) {}

// killGroup kills the process pid (there are no process groups here).
func killGroup(pid int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return nil
	}
	p.Kill()
	return nil
}
