package main

import (
	"fmt"
	"strings"
)

func Identity(n int) Matrix {
	m := NewMatrix(n, n)
	for i := 0; i < n; i++ {
		m.Set(i, i, 1)
	}
	return m
}

func (m Matrix) Mul(o Matrix) Matrix {
	out := NewMatrix(m.rows, o.cols)
	for i := 0; i < m.rows; i++ {
		for j := 0; j < o.cols; j++ {
			var sum float64
			for k := 0; k < m.cols; k++ {
				sum += m.At(i, k) * o.At(k, j)
			}
			out.Set(i, j, sum)
		}
	}
	return out
}

func (m Matrix) Transpose() Matrix {
	out := NewMatrix(m.cols, m.rows)
	for i := 0; i < m.rows; i++ {
		for j := 0; j < m.cols; j++ {
			out.Set(j, i, m.At(i, j))
		}
	}
	return out
}

func (m Matrix) String() string {
	var b strings.Builder
	for i := 0; i < m.rows; i++ {
		for j := 0; j < m.cols; j++ {
			fmt.Fprintf(&b, "%6.1f", m.At(i, j))
		}
		b.WriteString("\n")
	}
	return b.String()
}

type Matrix struct {
	rows, cols int
	data       []float64
}

func NewMatrix(r, c int) Matrix { return Matrix{r, c, make([]float64, r*c)} }

func (m Matrix) At(i, j int) float64     { return m.data[i*m.cols+j] }
func (m Matrix) Set(i, j int, v float64) { m.data[i*m.cols+j] = v }

func main() {
	a := NewMatrix(2, 3)
	for i := range a.data {
		a.data[i] = float64(i + 1)
	}
	fmt.Print(a)
	fmt.Print(a.Mul(a.Transpose()))
	fmt.Print(Identity(2).Mul(a))
}
