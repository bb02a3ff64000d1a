package main

import "fmt"

func (m *Machine) Insert(cents int) {
	m.credit += cents
	m.state = m.state.next(m)
}

func (m *Machine) Choose(item string) string {
	price, ok := prices[item]
	switch {
	case !ok:
		return "unknown item " + item
	case m.credit < price:
		return fmt.Sprintf("%s costs %d, credit %d", item, price, m.credit)
	}
	m.credit -= price
	m.state = m.state.next(m)
	return "dispensed " + item
}

func (s State) next(m *Machine) State {
	if m.credit > 0 {
		return HasCredit
	}
	return Idle
}

var prices = map[string]int{"cola": 120, "chips": 80, "gum": 50}

type Machine struct {
	credit int
	state  State
}

type State int

const (
	Idle State = iota
	HasCredit
)

func (s State) String() string { return [...]string{"idle", "has credit"}[s] }

func main() {
	m := &Machine{}
	fmt.Println(m.state)
	m.Insert(100)
	fmt.Println(m.state, m.Choose("cola"))
	m.Insert(50)
	fmt.Println(m.Choose("cola"), m.state, m.credit)
	fmt.Println(m.Choose("gum"), m.Choose("tea"), m.state)
}
