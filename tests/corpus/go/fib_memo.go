package main

import "fmt"

var memo = map[int]uint64{0: 0, 1: 1}

func fib(n int) uint64 {
	if v, ok := memo[n]; ok {
		return v
	}
	v := fib(n-1) + fib(n-2)
	memo[n] = v
	return v
}

func fibIterative(n int) uint64 {
	a, b := uint64(0), uint64(1)
	for i := 0; i < n; i++ {
		a, b = b, a+b
	}
	return a
}

func main() {
	for _, n := range []int{1, 2, 10, 30, 50, 90} {
		fmt.Println(n, fib(n), fib(n) == fibIterative(n))
	}
	fmt.Println(len(memo), "memoised")
}
