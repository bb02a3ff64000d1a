package main

import "fmt"

func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "nothing"
	case int, int64:
		return fmt.Sprintf("an integer %v", x)
	case string:
		return fmt.Sprintf("a string of %d bytes", len(x))
	case Celsius:
		return fmt.Sprintf("a temperature, %s", x)
	case Point:
		return fmt.Sprintf("a point at distance² %d", x.X*x.X+x.Y*x.Y)
	case fmt.Stringer:
		return "something printable: " + x.String()
	case error:
		return "an error: " + x.Error()
	default:
		return fmt.Sprintf("a %T", x)
	}
}

type Celsius float64

func (c Celsius) String() string { return fmt.Sprintf("%.1f°C", float64(c)) }

type Point struct{ X, Y int }

type Named string

func (n Named) String() string { return "<" + string(n) + ">" }

func main() {
	values := []any{nil, 42, int64(7), "héllo", Celsius(21.5), Point{3, 4}, Named("x"), fmt.Errorf("boom"), 2.5, []int{1}}
	for _, v := range values {
		fmt.Println(describe(v))
	}
}
