package main

import "fmt"

type Counter struct {
	name  string
	count int
}

func (c Counter) IncrementCopy() { c.count++ }
func (c *Counter) Increment()    { c.count++ }
func (c Counter) String() string { return fmt.Sprintf("%s=%d", c.name, c.count) }

type Incrementer interface{ Increment() }

func bumpAll(xs []Incrementer, times int) {
	for _, x := range xs {
		for i := 0; i < times; i++ {
			x.Increment()
		}
	}
}

func main() {
	a := Counter{name: "a"}
	a.IncrementCopy()
	a.Increment()
	b := &Counter{name: "b"}
	b.IncrementCopy()
	bumpAll([]Incrementer{&a, b}, 3)
	fmt.Println(a, *b)
	cs := []Counter{{name: "x"}, {name: "y"}}
	for _, c := range cs {
		c.Increment()
	}
	for i := range cs {
		cs[i].Increment()
	}
	fmt.Println(cs)
}
