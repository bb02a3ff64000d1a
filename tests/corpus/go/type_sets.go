package main

import (
	"fmt"
	"strings"
)

func SumAll[T Integer](xs []T) (total T) {
	for _, x := range xs {
		total += x
	}
	return
}

func JoinNames[T Named](xs []T) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strings.ToUpper(string(x)) + fmt.Sprintf("(%d)", x.Len())
	}
	return strings.Join(parts, ",")
}

type Integer interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64
}

// Named is an interface with a type set and a method: only usable as a constraint.
type Named interface {
	~string
	Len() int
}

type Tag string

func (t Tag) Len() int { return len(t) }

type Level int8

func main() {
	fmt.Println(SumAll([]int{1, 2, 3}), SumAll([]Level{10, 20, 30}), SumAll([]int64{1 << 40, 1}))
	fmt.Println(JoinNames([]Tag{"go", "rust", "c"}))
}
