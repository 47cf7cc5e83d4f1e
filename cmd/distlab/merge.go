package main

import "distlab/internal/mergecmd"

func init() {
	register(&command{
		name:    "merge",
		summary: "combine the result files of a campaign's shards into one table",
		run:     mergecmd.Command,
	})
}
