package main

import "fmt"

func Add[T Numeric](a, b Grid[T]) Grid[T] {
	out := make(Grid[T], len(a))
	for i := range a {
		out[i] = make([]T, len(a[i]))
		for j := range a[i] {
			out[i][j] = a[i][j] + b[i][j]
		}
	}
	return out
}

func Scale[T Numeric](g Grid[T], k T) Grid[T] {
	out := Add(g, Zero[T](len(g), len(g[0])))
	for i := range out {
		for j := range out[i] {
			out[i][j] *= k
		}
	}
	return out
}

func Zero[T Numeric](rows, cols int) Grid[T] {
	g := make(Grid[T], rows)
	for i := range g {
		g[i] = make([]T, cols)
	}
	return g
}

type Grid[T Numeric] [][]T

type Numeric interface {
	~int | ~int32 | ~float32 | ~float64
}

func main() {
	a := Grid[int]{{1, 2}, {3, 4}}
	b := Grid[int]{{10, 20}, {30, 40}}
	fmt.Println(Add(a, b), Scale(a, 3))
	f := Grid[float64]{{0.5, 1.5}}
	fmt.Println(Scale(f, 2), Zero[float32](1, 3))
}
