package main

import "distlab/internal/runner"

func init() {
	register(&command{
		name:    "test",
		summary: "build a package's tests once, run them many times in parallel, grade",
		run:     runner.Command,
	})
}
