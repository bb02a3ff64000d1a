package main

import (
	"fmt"
	"sort"
)

func (t *Trie) Insert(word string) {
	n := t.root
	for _, r := range word {
		child, ok := n.children[r]
		if !ok {
			child = newTrieNode()
			n.children[r] = child
		}
		n = child
	}
	n.end = true
	t.size++
}

func (t *Trie) find(prefix string) *trieNode {
	n := t.root
	for _, r := range prefix {
		var ok bool
		if n, ok = n.children[r]; !ok {
			return nil
		}
	}
	return n
}

func (t *Trie) Contains(w string) bool { n := t.find(w); return n != nil && n.end }

func (t *Trie) WithPrefix(prefix string) []string {
	var out []string
	var walk func(n *trieNode, acc []rune)
	walk = func(n *trieNode, acc []rune) {
		if n.end {
			out = append(out, string(acc))
		}
		for r, c := range n.children {
			walk(c, append(append([]rune{}, acc...), r))
		}
	}
	if n := t.find(prefix); n != nil {
		walk(n, []rune(prefix))
	}
	sort.Strings(out)
	return out
}

type Trie struct {
	root *trieNode
	size int
}

type trieNode struct {
	children map[rune]*trieNode
	end      bool
}

func newTrieNode() *trieNode { return &trieNode{children: map[rune]*trieNode{}} }

func main() {
	t := &Trie{root: newTrieNode()}
	for _, w := range []string{"car", "card", "care", "cat", "dog", "dot", "carton"} {
		t.Insert(w)
	}
	fmt.Println(t.size, t.Contains("car"), t.Contains("ca"), t.Contains("dot"))
	fmt.Println(t.WithPrefix("car"), t.WithPrefix("do"), t.WithPrefix("x"))
}
