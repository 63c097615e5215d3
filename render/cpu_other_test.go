//go:build !unix

package render

import (
	"os/exec"
	"time"
)

func selfCPU() time.Duration           { return 0 }
func childCPU(*exec.Cmd) time.Duration { return 0 }
