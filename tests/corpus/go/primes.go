package main

import "fmt"

func sieve(limit int) []int {
	composite := make([]bool, limit+1)
	var primes []int
	for i := 2; i <= limit; i++ {
		if composite[i] {
			continue
		}
		primes = append(primes, i)
		for j := i * i; j <= limit; j += i {
			composite[j] = true
		}
	}
	return primes
}

func factorize(n int) []int {
	var fs []int
	for _, p := range smallPrimes {
		for n%p == 0 {
			fs = append(fs, p)
			n /= p
		}
	}
	if n > 1 {
		fs = append(fs, n)
	}
	return fs
}

var smallPrimes = sieve(100)

func twinPrimes(ps []int) [][2]int {
	var out [][2]int
	for i := 1; i < len(ps); i++ {
		if ps[i]-ps[i-1] == 2 {
			out = append(out, [2]int{ps[i-1], ps[i]})
		}
	}
	return out
}

func main() {
	fmt.Println(len(smallPrimes), smallPrimes[:10])
	fmt.Println(twinPrimes(smallPrimes))
	for _, n := range []int{360, 97, 1001, 123456} {
		fmt.Println(n, factorize(n))
	}
}
