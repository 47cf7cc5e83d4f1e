package main

import (
	"io"

	"distlab/internal/checkcmd"
)

func init() {
	register(&command{
		name:    "check",
		summary: "check a history file for linearizability (and draw it with -html)",
		run: func(args []string, stdout, stderr io.Writer) int {
			return checkcmd.Run(args, checkcmd.Env{Stdout: stdout, Stderr: stderr})
		},
	})
}
