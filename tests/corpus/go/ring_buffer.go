package main

import "fmt"

func NewRing[T any](n int) *Ring[T] { return &Ring[T]{buf: make([]T, n)} }

func (r *Ring[T]) Put(v T) {
	r.buf[(r.start+r.size)%len(r.buf)] = v
	if r.size == len(r.buf) {
		r.start = (r.start + 1) % len(r.buf)
	} else {
		r.size++
	}
}

func (r *Ring[T]) Items() []T {
	out := make([]T, r.size)
	for i := range out {
		out[i] = r.buf[(r.start+i)%len(r.buf)]
	}
	return out
}

type Ring[T any] struct {
	buf         []T
	start, size int
}

func movingAverage(values []float64, window int) []float64 {
	r := NewRing[float64](window)
	var out []float64
	for _, v := range values {
		r.Put(v)
		sum := 0.0
		for _, x := range r.Items() {
			sum += x
		}
		out = append(out, sum/float64(r.size))
	}
	return out
}

func main() {
	r := NewRing[string](3)
	for _, s := range []string{"a", "b", "c", "d", "e"} {
		r.Put(s)
		fmt.Println(r.Items())
	}
	fmt.Println(movingAverage([]float64{1, 2, 3, 4, 5, 6}, 3))
}
