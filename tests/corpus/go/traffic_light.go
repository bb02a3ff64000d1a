package main

import "fmt"

var transitions = map[Light]Light{
	Red:    Green,
	Green:  Yellow,
	Yellow: Red,
}

var durations = map[Light]int{Red: 30, Green: 25, Yellow: 5}

func (l Light) Next() Light { return transitions[l] }

func (l Light) String() string {
	switch l {
	case Red:
		return "RED"
	case Yellow:
		return "YELLOW"
	case Green:
		return "GREEN"
	}
	return "?"
}

type Light int

const (
	Red Light = iota
	Yellow
	Green
)

func simulate(start Light, seconds int) []string {
	var log []string
	l, t := start, 0
	for t < seconds {
		log = append(log, fmt.Sprintf("t=%3d %v", t, l))
		t += durations[l]
		l = l.Next()
	}
	return log
}

func main() {
	for _, line := range simulate(Red, 130) {
		fmt.Println(line)
	}
}
