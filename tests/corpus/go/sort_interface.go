package main

import (
	"fmt"
	"sort"
)

func (a ByAge) Len() int           { return len(a) }
func (a ByAge) Swap(i, j int)      { a[i], a[j] = a[j], a[i] }
func (a ByAge) Less(i, j int) bool { return a[i].Age < a[j].Age }

type ByAge []Person

type Person struct {
	Name string
	Age  int
}

func (p Person) String() string { return fmt.Sprintf("%s (%d)", p.Name, p.Age) }

type byName struct{ ByAge }

func (b byName) Less(i, j int) bool { return b.ByAge[i].Name < b.ByAge[j].Name }

func main() {
	people := []Person{{"Alice", 31}, {"Bob", 25}, {"Carol", 42}, {"Dan", 19}}
	sort.Sort(ByAge(people))
	fmt.Println(people)
	sort.Sort(byName{people})
	fmt.Println(people)
	sort.Sort(sort.Reverse(ByAge(people)))
	fmt.Println(people[0], sort.IsSorted(ByAge(people)))
}
