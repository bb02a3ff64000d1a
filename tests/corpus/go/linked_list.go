// A singly linked list: the list type comes first and uses the element type declared below.
package main

import "fmt"

// List holds its elements from the front.
type List struct {
	head *element
	size int
}

// Push adds a value at the front.
func (l *List) Push(v int) {
	l.head = &element{value: v, next: l.head}
	l.size++
}

// Values returns the list from front to back.
func (l *List) Values() []int {
	var out []int
	for e := l.head; e != nil; e = e.next {
		out = append(out, e.value)
	}
	return out
}

// Reverse turns the list around in place.
func (l *List) Reverse() {
	var prev *element
	for e := l.head; e != nil; {
		next := e.next
		e.next = prev
		prev = e
		e = next
	}
	l.head = prev
}

type element struct {
	value int
	next  *element
}

func main() {
	var l List
	for i := 1; i <= 5; i++ {
		l.Push(i * i)
	}
	fmt.Println(l.Values(), l.size)
	l.Reverse()
	fmt.Println(l.Values())
}
