package main

import (
	"fmt"
	"strconv"
	"strings"
)

func Eval(expr string) (float64, error) {
	var st stack[float64]
	for _, tok := range strings.Fields(expr) {
		if op, ok := operators[tok]; ok {
			b, okB := st.pop()
			a, okA := st.pop()
			if !okA || !okB {
				return 0, fmt.Errorf("not enough operands for %s", tok)
			}
			st.push(op(a, b))
			continue
		}
		v, err := strconv.ParseFloat(tok, 64)
		if err != nil {
			return 0, fmt.Errorf("bad token %q", tok)
		}
		st.push(v)
	}
	if len(st) != 1 {
		return 0, fmt.Errorf("%d values left", len(st))
	}
	return st[0], nil
}

var operators = map[string]func(a, b float64) float64{
	"+": func(a, b float64) float64 { return a + b },
	"-": func(a, b float64) float64 { return a - b },
	"*": func(a, b float64) float64 { return a * b },
	"/": func(a, b float64) float64 { return a / b },
}

type stack[T any] []T

func (s *stack[T]) push(v T) { *s = append(*s, v) }

func (s *stack[T]) pop() (T, bool) {
	var zero T
	if len(*s) == 0 {
		return zero, false
	}
	v := (*s)[len(*s)-1]
	*s = (*s)[:len(*s)-1]
	return v, true
}

func main() {
	for _, e := range []string{"3 4 + 2 *", "5 1 2 + 4 * + 3 -", "2 3 4", "1 +", "6 x /"} {
		v, err := Eval(e)
		if err != nil {
			fmt.Printf("%-20s error: %v\n", e, err)
		} else {
			fmt.Printf("%-20s = %g\n", e, v)
		}
	}
}
