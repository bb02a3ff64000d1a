package main

import (
	"fmt"
	"strings"
)

// Insert puts v into the tree rooted at n and returns the new root.
func Insert(n *Node, v int) *Node {
	if n == nil {
		return &Node{Value: v}
	}
	if v < n.Value {
		n.Left = Insert(n.Left, v)
	} else {
		n.Right = Insert(n.Right, v)
	}
	return n
}

func (n *Node) InOrder(visit func(int)) {
	if n == nil {
		return
	}
	n.Left.InOrder(visit)
	visit(n.Value)
	n.Right.InOrder(visit)
}

func (n *Node) Height() int {
	if n == nil {
		return 0
	}
	return 1 + max(n.Left.Height(), n.Right.Height())
}

func (n *Node) String() string {
	var b strings.Builder
	n.InOrder(func(v int) { fmt.Fprintf(&b, "%d ", v) })
	return strings.TrimSpace(b.String())
}

type Node struct {
	Value       int
	Left, Right *Node
}

func main() {
	var root *Node
	for _, v := range []int{50, 30, 70, 20, 40, 60, 80, 35} {
		root = Insert(root, v)
	}
	fmt.Println(root)
	fmt.Println("height", root.Height())
	sum := 0
	root.InOrder(func(v int) { sum += v })
	fmt.Println("sum", sum)
}
