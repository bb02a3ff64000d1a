package main

import (
	"errors"
	"fmt"
	"strconv"
)

var ErrEmpty = errors.New("empty input")

type ParseError struct {
	Line int
	Err  error
}

func (e *ParseError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *ParseError) Unwrap() error { return e.Err }

func parseAll(lines []string) ([]int, error) {
	var out []int
	for i, l := range lines {
		n, err := parseLine(l)
		if err != nil {
			return out, &ParseError{Line: i + 1, Err: err}
		}
		out = append(out, n)
	}
	return out, nil
}

func parseLine(s string) (int, error) {
	if s == "" {
		return 0, ErrEmpty
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("not a number %q: %w", s, err)
	}
	return n, nil
}

func main() {
	for _, input := range [][]string{{"1", "2", "3"}, {"4", "", "6"}, {"7", "x"}} {
		nums, err := parseAll(input)
		var pe *ParseError
		switch {
		case err == nil:
			fmt.Println("ok", nums)
		case errors.Is(err, ErrEmpty):
			fmt.Println("empty:", err)
		case errors.As(err, &pe):
			fmt.Println("parse error at line", pe.Line, "-", errors.Unwrap(pe.Err) != nil)
		}
	}
}
