package main

import (
	"container/heap"
	"fmt"
)

func (h TaskQueue) Len() int { return len(h) }
func (h TaskQueue) Less(i, j int) bool {
	if h[i].Priority != h[j].Priority {
		return h[i].Priority > h[j].Priority
	}
	return h[i].Name < h[j].Name
}
func (h TaskQueue) Swap(i, j int) { h[i], h[j] = h[j], h[i] }

func (h *TaskQueue) Push(x any) { *h = append(*h, x.(*Task)) }

func (h *TaskQueue) Pop() any {
	old := *h
	n := len(old)
	t := old[n-1]
	*h = old[:n-1]
	return t
}

type TaskQueue []*Task

type Task struct {
	Name     string
	Priority int
}

func main() {
	q := &TaskQueue{}
	heap.Init(q)
	for _, t := range []Task{{"write docs", 2}, {"fix bug", 5}, {"lunch", 3}, {"review", 5}, {"email", 1}} {
		t := t
		heap.Push(q, &t)
	}
	for q.Len() > 0 {
		t := heap.Pop(q).(*Task)
		fmt.Printf("%d %s\n", t.Priority, t.Name)
	}
}
