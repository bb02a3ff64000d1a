package main

import (
	"fmt"
	"sort"
	"strings"
)

var plugins = map[string]Plugin{}

func Register(p Plugin) {
	plugins[p.Name()] = p
}

type Plugin interface {
	Name() string
	Run(input string) string
}

func init() { Register(upperPlugin{}) }

type upperPlugin struct{}

func (upperPlugin) Name() string            { return "upper" }
func (upperPlugin) Run(in string) string    { return strings.ToUpper(in) }

func init() { Register(&countPlugin{}) }

type countPlugin struct{ runs int }

func (*countPlugin) Name() string { return "count" }
func (c *countPlugin) Run(in string) string {
	c.runs++
	return fmt.Sprintf("%d words (run %d)", len(strings.Fields(in)), c.runs)
}

func init() { Register(reversePlugin{}) }

type reversePlugin struct{}

func (reversePlugin) Name() string { return "reverse" }
func (reversePlugin) Run(in string) string {
	w := strings.Fields(in)
	for i, j := 0, len(w)-1; i < j; i, j = i+1, j-1 {
		w[i], w[j] = w[j], w[i]
	}
	return strings.Join(w, " ")
}

func main() {
	names := make([]string, 0, len(plugins))
	for n := range plugins {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Printf("%-7s %s\n", n, plugins[n].Run("the quick brown fox"))
	}
	fmt.Println(plugins["count"].Run("again"))
}
