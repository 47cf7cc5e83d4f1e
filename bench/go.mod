module distlab/bench

go 1.26.0

require (
	distlab v0.0.0
	github.com/anishathalye/porcupine v1.3.1
)

require (
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/term v0.47.0 // indirect
)

replace distlab => ../
