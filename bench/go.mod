module distlab/bench

go 1.26.0

require (
	distlab v0.0.0
	github.com/anishathalye/porcupine v1.3.1
)

replace distlab => ../
