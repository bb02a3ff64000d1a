package main

import "fmt"

func makeCounter(step int) func() int {
	count := 0
	return func() int {
		count += step
		return count
	}
}

func fibonacci() func() int {
	a, b := 0, 1
	return func() int {
		r := a
		a, b = b, a+b
		return r
	}
}

func apply(fs []func(int) int, x int) []int {
	out := make([]int, len(fs))
	for i, f := range fs {
		out[i] = f(x)
	}
	return out
}

func adder(n int) func(int) int { return func(x int) int { return x + n } }

func compose(f, g func(int) int) func(int) int { return func(x int) int { return g(f(x)) } }

func main() {
	byTwo := makeCounter(2)
	byTen := makeCounter(10)
	fmt.Println(byTwo(), byTwo(), byTen(), byTwo())
	fib := fibonacci()
	for i := 0; i < 10; i++ {
		fmt.Print(fib(), " ")
	}
	fmt.Println()
	double := func(x int) int { return x * 2 }
	fmt.Println(apply([]func(int) int{adder(1), double, compose(adder(3), double)}, 5))
}
