module distlab

go 1.26
