//go:build unix

package pipelines

import (
	"os/exec"
	"syscall"
)

// killGroup makes a step's command run in its own process group, and
// cancellation kill the whole group (the script and what it started).
func killGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
