package main

import "fmt"

// Sum works for every type in the Number constraint, declared below.
func Sum[T Number](xs ...T) T {
	var total T
	for _, x := range xs {
		total += x
	}
	return total
}

func Max[T Ordered](a, b T) T {
	if a > b {
		return a
	}
	return b
}

type Number interface {
	~int | ~int64 | ~float64
}

type Ordered interface {
	Number | ~string
}

type Celsius float64

type Score int

func Average[T Number](xs []T) float64 {
	if len(xs) == 0 {
		return 0
	}
	return float64(Sum(xs...)) / float64(len(xs))
}

func main() {
	fmt.Println(Sum(1, 2, 3), Sum(1.5, 2.25))
	fmt.Println(Sum[Celsius](20.5, 21.5), Average([]Score{90, 85, 77}))
	fmt.Println(Max("apple", "banana"), Max(3, 7), Max[Celsius](-1, -3))
}
