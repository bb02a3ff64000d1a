// Several init functions run in the order they appear, after package variables are set.
package main

import "fmt"

var registry = map[string]func(int) int{}

var order []string

func init() {
	order = append(order, "first init")
	register("double", func(x int) int { return x * 2 })
}

var startup = computeStartup()

func computeStartup() string {
	order = append(order, "package variable")
	return "ready"
}

func init() {
	order = append(order, "second init")
	register("square", func(x int) int { return x * x })
}

func register(name string, f func(int) int) {
	registry[name] = f
}

func init() {
	order = append(order, "third init")
}

func main() {
	fmt.Println(startup)
	for _, step := range order {
		fmt.Println(step)
	}
	for _, name := range []string{"double", "square"} {
		fmt.Println(name, registry[name](7))
	}
}
