package main

import "distlab/internal/mutants"

func init() {
	register(&command{
		name:    "mutants",
		summary: "how many planted bugs a lab's tests catch, and how reliably (distlab mutants ./raft)",
		run:     mutants.Command,
	})
}
