//go:build !unix

package office

import "os/exec"

// killGroupOnCancel keeps exec's default (kill the process) where process
// groups are not available.
func killGroupOnCancel(cmd *exec.Cmd) {}
