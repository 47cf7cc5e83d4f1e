package main

import "distlab/internal/autograder"

func init() {
	register(&command{
		name:    "autograder",
		summary: "write a Gradescope autograder bundle for a lab and its rubric",
		run:     autograder.Command,
	})
}
