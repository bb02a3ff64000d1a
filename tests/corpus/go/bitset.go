package main

import (
	"fmt"
	"math/bits"
	"strings"
)

func (s *BitSet) Add(i uint)           { s.grow(i); s.words[i/64] |= 1 << (i % 64) }
func (s *BitSet) Has(i uint) bool      { return i/64 < uint(len(s.words)) && s.words[i/64]&(1<<(i%64)) != 0 }
func (s *BitSet) Len() (n int) {
	for _, w := range s.words {
		n += bits.OnesCount64(w)
	}
	return
}

func (s *BitSet) grow(i uint) {
	for uint(len(s.words)) <= i/64 {
		s.words = append(s.words, 0)
	}
}

func (s *BitSet) String() string {
	var parts []string
	for i, w := range s.words {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			parts = append(parts, fmt.Sprint(i*64+b))
			w &= w - 1
		}
	}
	return "{" + strings.Join(parts, " ") + "}"
}

type BitSet struct{ words []uint64 }

func main() {
	var s BitSet
	for _, v := range []uint{1, 3, 64, 65, 130, 3} {
		s.Add(v)
	}
	fmt.Println(&s, s.Len(), s.Has(64), s.Has(2))
	fmt.Println(bits.Len(255), bits.Reverse8(1), bits.RotateLeft8(0b10010110, 2))
}
