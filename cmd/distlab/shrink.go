package main

import "distlab/labtest/replay"

func init() {
	register(&command{
		name:    "shrink",
		summary: "search a failure's schedule for a smaller one that still fails",
		run:     replay.ShrinkCommand,
	})
}
