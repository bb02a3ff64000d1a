package main

import "fmt"

func table(ops []Op, a, b int) {
	for _, op := range ops {
		fmt.Printf("%-4s %d\n", op.Name, op.Fn(a, b))
	}
}

type Op struct {
	Name string
	Fn   BinaryFunc
}

type BinaryFunc func(int, int) int

func (f BinaryFunc) Flip() BinaryFunc { return func(a, b int) int { return f(b, a) } }

type Calculator struct{ calls int }

func (c *Calculator) Add(a, b int) int { c.calls++; return a + b }
func (c *Calculator) Sub(a, b int) int { c.calls++; return a - b }

func main() {
	calc := &Calculator{}
	sub := BinaryFunc(calc.Sub)
	ops := []Op{{"add", calc.Add}, {"sub", sub}, {"bus", sub.Flip()}, {"mul", func(a, b int) int { return a * b }}}
	table(ops, 7, 3)
	f := (*Calculator).Add
	fmt.Println(f(calc, 1, 1), calc.calls)
}
