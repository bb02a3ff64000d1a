package main

import (
	"cmp"
	"fmt"
)

func BinarySearch[T cmp.Ordered](xs []T, target T) (int, bool) {
	lo, hi := 0, len(xs)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		switch c := cmp.Compare(xs[mid], target); {
		case c == 0:
			return mid, true
		case c < 0:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return lo, false
}

func InsertSorted[T cmp.Ordered](xs []T, v T) []T {
	i, _ := BinarySearch(xs, v)
	xs = append(xs, v)
	copy(xs[i+1:], xs[i:])
	xs[i] = v
	return xs
}

func main() {
	nums := []int{1, 3, 5, 7, 9, 11}
	for _, t := range []int{7, 8, 0, 12} {
		i, ok := BinarySearch(nums, t)
		fmt.Println(t, i, ok)
	}
	words := []string{}
	for _, w := range []string{"pear", "apple", "fig", "kiwi", "banana"} {
		words = InsertSorted(words, w)
	}
	fmt.Println(words)
}
