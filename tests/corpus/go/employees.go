package main

import (
	"fmt"
	"sort"
	"strings"
)

func byDepartment(staff []Employee) map[string][]Employee {
	groups := map[string][]Employee{}
	for _, e := range staff {
		groups[e.Dept] = append(groups[e.Dept], e)
	}
	return groups
}

func payroll(staff []Employee) (total int) {
	for _, e := range staff {
		total += e.Salary()
	}
	return
}

type Employee struct {
	Name  string
	Dept  string
	Level Level
}

func (e Employee) Salary() int { return baseSalary + int(e.Level)*raisePerLevel }

type Level int

const (
	Junior Level = iota + 1
	Senior
	Principal
)

const (
	baseSalary    = 40000
	raisePerLevel = 15000
)

func main() {
	staff := []Employee{
		{"Grace", "eng", Principal}, {"Alan", "eng", Senior}, {"Ada", "research", Principal},
		{"Linus", "eng", Junior}, {"Barbara", "research", Senior},
	}
	groups := byDepartment(staff)
	depts := make([]string, 0, len(groups))
	for d := range groups {
		depts = append(depts, d)
	}
	sort.Strings(depts)
	for _, d := range depts {
		var names []string
		for _, e := range groups[d] {
			names = append(names, e.Name)
		}
		fmt.Printf("%s: %s (%d)\n", d, strings.Join(names, ", "), payroll(groups[d]))
	}
	fmt.Println("total", payroll(staff))
}
