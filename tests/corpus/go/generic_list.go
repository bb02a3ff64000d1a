package main

import "fmt"

type LinkedList[T any] struct {
	head, tail *listNode[T]
	length     int
}

func (l *LinkedList[T]) Append(v T) {
	n := &listNode[T]{val: v}
	if l.tail == nil {
		l.head, l.tail = n, n
	} else {
		l.tail.next = n
		l.tail = n
	}
	l.length++
}

func (l *LinkedList[T]) Each(f func(int, T)) {
	i := 0
	for n := l.head; n != nil; n = n.next {
		f(i, n.val)
		i++
	}
}

func ToSlice[T any](l *LinkedList[T]) []T {
	out := make([]T, 0, l.length)
	l.Each(func(_ int, v T) { out = append(out, v) })
	return out
}

type listNode[T any] struct {
	val  T
	next *listNode[T]
}

func main() {
	var names LinkedList[string]
	for _, n := range []string{"ann", "bob", "cy"} {
		names.Append(n)
	}
	names.Each(func(i int, s string) { fmt.Printf("%d:%s ", i, s) })
	fmt.Println()
	var nums LinkedList[float64]
	nums.Append(1.5)
	nums.Append(2.5)
	fmt.Println(ToSlice(&nums), nums.length)
}
