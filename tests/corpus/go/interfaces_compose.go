package main

import (
	"fmt"
	"strings"
)

type ReadWriter interface {
	Reader
	Writer
}

type Reader interface{ Read() (string, bool) }

type Writer interface{ Write(s string) }

func copyAll(dst Writer, src Reader) int {
	n := 0
	for {
		s, ok := src.Read()
		if !ok {
			return n
		}
		dst.Write(s)
		n++
	}
}

func NewBuffer(lines ...string) *Buffer { return &Buffer{lines: lines} }

type Buffer struct {
	lines []string
	pos   int
}

func (b *Buffer) Read() (string, bool) {
	if b.pos >= len(b.lines) {
		return "", false
	}
	b.pos++
	return b.lines[b.pos-1], true
}

func (b *Buffer) Write(s string) { b.lines = append(b.lines, s) }

type Upper struct{ out Writer }

func (u Upper) Write(s string) { u.out.Write(strings.ToUpper(s)) }

func main() {
	src := NewBuffer("alpha", "beta", "gamma")
	dst := NewBuffer()
	var rw ReadWriter = dst
	n := copyAll(Upper{rw}, src)
	fmt.Println(n, dst.lines)
	_, isWriter := any(src).(Writer)
	fmt.Println(isWriter)
}
