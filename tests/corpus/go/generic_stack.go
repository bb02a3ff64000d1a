package main

import "fmt"

func (s *Stack[T]) Push(v T) {
	s.items = append(s.items, v)
}

func (s *Stack[T]) Pop() (T, bool) {
	var zero T
	if len(s.items) == 0 {
		return zero, false
	}
	v := s.items[len(s.items)-1]
	s.items = s.items[:len(s.items)-1]
	return v, true
}

func (s *Stack[T]) Len() int { return len(s.items) }

type Stack[T any] struct {
	items []T
}

func balanced(text string) bool {
	pairs := map[rune]rune{')': '(', ']': '[', '}': '{'}
	var s Stack[rune]
	for _, r := range text {
		switch r {
		case '(', '[', '{':
			s.Push(r)
		case ')', ']', '}':
			top, ok := s.Pop()
			if !ok || top != pairs[r] {
				return false
			}
		}
	}
	return s.Len() == 0
}

func main() {
	var words Stack[string]
	for _, w := range []string{"one", "two", "three"} {
		words.Push(w)
	}
	for words.Len() > 0 {
		w, _ := words.Pop()
		fmt.Print(w, " ")
	}
	fmt.Println()
	for _, t := range []string{"(a[b]{c})", "(]", "((", "{[()()]}"} {
		fmt.Println(t, balanced(t))
	}
}
