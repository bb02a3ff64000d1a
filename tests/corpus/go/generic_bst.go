package main

import (
	"cmp"
	"fmt"
	"strings"
)

func (t *Tree[K, V]) Put(k K, v V) {
	t.root = t.root.put(k, v, &t.size)
}

func (n *treeNode[K, V]) put(k K, v V, size *int) *treeNode[K, V] {
	if n == nil {
		*size++
		return &treeNode[K, V]{key: k, val: v}
	}
	switch c := cmp.Compare(k, n.key); {
	case c < 0:
		n.left = n.left.put(k, v, size)
	case c > 0:
		n.right = n.right.put(k, v, size)
	default:
		n.val = v
	}
	return n
}

func (t *Tree[K, V]) Get(k K) (V, bool) {
	for n := t.root; n != nil; {
		switch c := cmp.Compare(k, n.key); {
		case c < 0:
			n = n.left
		case c > 0:
			n = n.right
		default:
			return n.val, true
		}
	}
	var zero V
	return zero, false
}

func (t *Tree[K, V]) Walk(f func(K, V)) { t.root.walk(f) }

func (n *treeNode[K, V]) walk(f func(K, V)) {
	if n != nil {
		n.left.walk(f)
		f(n.key, n.val)
		n.right.walk(f)
	}
}

type Tree[K cmp.Ordered, V any] struct {
	root *treeNode[K, V]
	size int
}

type treeNode[K cmp.Ordered, V any] struct {
	key         K
	val         V
	left, right *treeNode[K, V]
}

func main() {
	var t Tree[string, int]
	for i, w := range strings.Fields("the quick brown fox jumps over the lazy dog") {
		t.Put(w, i)
	}
	t.Walk(func(k string, v int) { fmt.Printf("%s:%d ", k, v) })
	fmt.Println()
	v, ok := t.Get("the")
	_, missing := t.Get("cat")
	fmt.Println(t.size, v, ok, missing)
}
