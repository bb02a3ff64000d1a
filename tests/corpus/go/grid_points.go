package main

import (
	"fmt"
	"sort"
)

func (p Point) Neighbours() []Point {
	var out []Point
	for _, d := range directions {
		out = append(out, Point{p.X + d.X, p.Y + d.Y})
	}
	return out
}

var directions = []Point{{0, 1}, {1, 0}, {0, -1}, {-1, 0}}

type Point struct{ X, Y int }

// flood returns the cells reachable from start without crossing walls.
func flood(start Point, walls map[Point]bool, size int) map[Point]bool {
	seen := map[Point]bool{start: true}
	todo := []Point{start}
	for len(todo) > 0 {
		p := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		for _, n := range p.Neighbours() {
			if n.X < 0 || n.Y < 0 || n.X >= size || n.Y >= size || walls[n] || seen[n] {
				continue
			}
			seen[n] = true
			todo = append(todo, n)
		}
	}
	return seen
}

func main() {
	walls := map[Point]bool{}
	for y := 0; y < 5; y++ {
		if y != 3 {
			walls[Point{2, y}] = true
		}
	}
	reach := flood(Point{0, 0}, walls, 5)
	var pts []Point
	for p := range reach {
		pts = append(pts, p)
	}
	sort.Slice(pts, func(i, j int) bool { return pts[i].Y*10+pts[i].X < pts[j].Y*10+pts[j].X })
	fmt.Println(len(pts), pts[:4], reach[Point{4, 4}])
}
