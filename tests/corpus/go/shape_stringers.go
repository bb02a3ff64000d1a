package main

import (
	"fmt"
	"sort"
)

type Shape interface {
	fmt.Stringer
	Area() float64
}

func largestFirst(shapes []Shape) []Shape {
	sorted := append([]Shape(nil), shapes...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Area() > sorted[j].Area() })
	return sorted
}

var _ Shape = Triangle{}
var _ Shape = (*Polygon)(nil)

type Triangle struct{ Base, Height float64 }

func (t Triangle) Area() float64   { return t.Base * t.Height / 2 }
func (t Triangle) String() string { return fmt.Sprintf("triangle %gx%g", t.Base, t.Height) }

type Polygon struct {
	Name   string
	Points [][2]float64
}

// Area by the shoelace formula.
func (p *Polygon) Area() float64 {
	sum := 0.0
	for i := range p.Points {
		a, b := p.Points[i], p.Points[(i+1)%len(p.Points)]
		sum += a[0]*b[1] - b[0]*a[1]
	}
	if sum < 0 {
		sum = -sum
	}
	return sum / 2
}

func (p *Polygon) String() string { return fmt.Sprintf("%s with %d points", p.Name, len(p.Points)) }

func main() {
	shapes := []Shape{
		Triangle{3, 4},
		&Polygon{"square", [][2]float64{{0, 0}, {2, 0}, {2, 2}, {0, 2}}},
		Triangle{10, 1},
		&Polygon{"kite", [][2]float64{{0, 0}, {1, 2}, {0, 5}, {-1, 2}}},
	}
	for _, s := range largestFirst(shapes) {
		fmt.Printf("%-20v %5.1f\n", s, s.Area())
	}
}
