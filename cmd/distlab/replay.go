package main

import "distlab/labtest/replay"

func init() {
	register(&command{
		name:    "replay",
		summary: "re-run a failure artefact under its schedule and seed; report how often it fails again",
		run:     replay.Command,
	})
}
