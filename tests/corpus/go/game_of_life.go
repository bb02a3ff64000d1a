package main

import (
	"fmt"
	"strings"
)

func Step(b Board) Board {
	next := NewBoard(b.w, b.h)
	for y := 0; y < b.h; y++ {
		for x := 0; x < b.w; x++ {
			n := b.liveNeighbours(x, y)
			next.cells[y][x] = n == 3 || (n == 2 && b.cells[y][x])
		}
	}
	return next
}

func (b Board) liveNeighbours(x, y int) int {
	n := 0
	for dy := -1; dy <= 1; dy++ {
		for dx := -1; dx <= 1; dx++ {
			if (dx != 0 || dy != 0) && b.alive(x+dx, y+dy) {
				n++
			}
		}
	}
	return n
}

func (b Board) alive(x, y int) bool {
	x, y = (x+b.w)%b.w, (y+b.h)%b.h
	return b.cells[y][x]
}

func (b Board) String() string {
	var sb strings.Builder
	for _, row := range b.cells {
		for _, c := range row {
			if c {
				sb.WriteByte('#')
			} else {
				sb.WriteByte('.')
			}
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}

type Board struct {
	w, h  int
	cells [][]bool
}

func NewBoard(w, h int) Board {
	cells := make([][]bool, h)
	for i := range cells {
		cells[i] = make([]bool, w)
	}
	return Board{w, h, cells}
}

func main() {
	b := NewBoard(6, 6)
	for _, p := range [][2]int{{1, 0}, {2, 1}, {0, 2}, {1, 2}, {2, 2}} { // a glider
		b.cells[p[1]][p[0]] = true
	}
	for gen := 0; gen < 3; gen++ {
		fmt.Printf("generation %d\n%v", gen, b)
		b = Step(b)
	}
}
