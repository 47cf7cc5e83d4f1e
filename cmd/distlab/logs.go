package main

import "distlab/internal/logview"

func init() {
	register(&command{
		name:    "logs",
		summary: "lay out per-peer debug logs in columns, one per peer, topics coloured",
		run:     logview.Command,
	})
}
