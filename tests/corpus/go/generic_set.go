package main

import (
	"fmt"
	"sort"
)

func NewSet[T comparable](items ...T) Set[T] {
	s := Set[T]{}
	for _, it := range items {
		s.Add(it)
	}
	return s
}

func (s Set[T]) Add(v T)           { s[v] = struct{}{} }
func (s Set[T]) Has(v T) bool      { _, ok := s[v]; return ok }
func (s Set[T]) Union(o Set[T]) Set[T] {
	out := NewSet[T]()
	for k := range s {
		out.Add(k)
	}
	for k := range o {
		out.Add(k)
	}
	return out
}

func (s Set[T]) Intersect(o Set[T]) Set[T] {
	out := NewSet[T]()
	for k := range s {
		if o.Has(k) {
			out.Add(k)
		}
	}
	return out
}

type Set[T comparable] map[T]struct{}

func sortedInts(s Set[int]) []int {
	var out []int
	for k := range s {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

func main() {
	a := NewSet(1, 2, 3, 4)
	b := NewSet(3, 4, 5)
	fmt.Println(sortedInts(a.Union(b)), sortedInts(a.Intersect(b)))
	fmt.Println(a.Has(2), b.Has(2), len(NewSet("x", "y", "x")))
}
