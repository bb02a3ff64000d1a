package main

import (
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
)

const data = `name,dept,salary
Ada,eng,120000
"Hopper, Grace",eng,135000
Alan,research,110000
Edsger,research,99000`

func parse(text string) ([]Record, error) {
	rows, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		return nil, err
	}
	var out []Record
	for _, row := range rows[1:] {
		r, err := recordOf(row)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func recordOf(row []string) (Record, error) {
	salary, err := strconv.Atoi(row[2])
	return Record{Name: row[0], Dept: row[1], Salary: salary}, err
}

type Record struct {
	Name   string
	Dept   string
	Salary int
}

func averages(rs []Record) map[string]float64 {
	sums, counts := map[string]int{}, map[string]int{}
	for _, r := range rs {
		sums[r.Dept] += r.Salary
		counts[r.Dept]++
	}
	out := map[string]float64{}
	for d, s := range sums {
		out[d] = float64(s) / float64(counts[d])
	}
	return out
}

func main() {
	rs, err := parse(data)
	if err != nil {
		panic(err)
	}
	for _, r := range rs {
		fmt.Printf("%-14s %-9s %7d\n", r.Name, r.Dept, r.Salary)
	}
	avg := averages(rs)
	fmt.Printf("eng %.1f research %.1f\n", avg["eng"], avg["research"])
}
