package main

import "fmt"

func findPair(grid [][]int, target int) (int, int, bool) {
	var r, c int
	found := false
search:
	for i, row := range grid {
		for j, v := range row {
			if v < 0 {
				continue search
			}
			if v == target {
				r, c, found = i, j, true
				break search
			}
		}
	}
	return r, c, found
}

func firstDuplicate(xs []int) (int, bool) {
	for i := range xs {
		for j := i + 1; j < len(xs); j++ {
			if xs[i] == xs[j] {
				return xs[i], true
			}
		}
	}
	return 0, false
}

func main() {
	grid := [][]int{{1, 2, 3}, {-1, 9, 9}, {4, 5, 9}}
	for _, t := range []int{5, 9, 7} {
		r, c, ok := findPair(grid, t)
		fmt.Println(t, r, c, ok)
	}
	fmt.Println(firstDuplicate([]int{3, 1, 4, 1, 5}))
	count := 0
outer:
	for i := 0; i < 5; i++ {
		for j := 0; j < 5; j++ {
			if j > i {
				continue outer
			}
			count++
		}
	}
	fmt.Println("pairs", count)
}
