package main

import (
	"fmt"
	"slices"
	"strings"
)

func buildGraph(edges [][2]string) *Graph {
	g := NewGraph()
	for _, e := range edges {
		g.AddEdge(e[0], e[1])
	}
	return g
}

func (g *Graph) ShortestPath(from, to string) []string {
	prev := map[string]string{from: ""}
	queue := []string{from}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if cur == to {
			break
		}
		for _, n := range g.Neighbours(cur) {
			if _, seen := prev[n]; !seen {
				prev[n] = cur
				queue = append(queue, n)
			}
		}
	}
	if _, ok := prev[to]; !ok {
		return nil
	}
	var path []string
	for at := to; at != ""; at = prev[at] {
		path = append(path, at)
	}
	slices.Reverse(path)
	return path
}

type Graph struct {
	adj map[string][]string
}

func NewGraph() *Graph { return &Graph{adj: map[string][]string{}} }

func (g *Graph) AddEdge(a, b string) {
	g.adj[a] = append(g.adj[a], b)
	g.adj[b] = append(g.adj[b], a)
}

func (g *Graph) Neighbours(n string) []string {
	out := slices.Clone(g.adj[n])
	slices.Sort(out)
	return out
}

func main() {
	g := buildGraph([][2]string{{"A", "B"}, {"A", "C"}, {"B", "D"}, {"C", "D"}, {"D", "E"}, {"F", "G"}})
	for _, q := range [][2]string{{"A", "E"}, {"E", "C"}, {"A", "G"}} {
		p := g.ShortestPath(q[0], q[1])
		if p == nil {
			fmt.Println(q[0], "->", q[1], ": unreachable")
			continue
		}
		fmt.Println(q[0], "->", q[1], ":", strings.Join(p, " "))
	}
}
