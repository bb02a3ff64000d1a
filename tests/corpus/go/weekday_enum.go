package main

import "fmt"

func (d Weekday) String() string {
	return names[d]
}

func (d Weekday) Weekend() bool {
	return d == Saturday || d == Sunday
}

var names = [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}

type Weekday int

const (
	Sunday Weekday = iota
	Monday
	Tuesday
	Wednesday
	Thursday
	Friday
	Saturday
)

func next(d Weekday) Weekday { return (d + 1) % 7 }

func main() {
	for d := Sunday; d <= Saturday; d++ {
		fmt.Printf("%-9v weekend=%v next=%v\n", d, d.Weekend(), next(d))
	}
	fmt.Println(Wednesday + 0)
}
