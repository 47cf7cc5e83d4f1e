//go:build !unix

package campaign

import (
	"os"
	"os/exec"
)

func ownGroup(cmd *exec.Cmd) {}

func stop(cmd *exec.Cmd) { cmd.Process.Signal(os.Interrupt) }
