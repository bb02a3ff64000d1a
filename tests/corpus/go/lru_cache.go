package main

import (
	"container/list"
	"fmt"
)

func NewLRU(capacity int) *LRU {
	return &LRU{capacity: capacity, order: list.New(), index: map[string]*list.Element{}}
}

func (c *LRU) Get(key string) (int, bool) {
	if el, ok := c.index[key]; ok {
		c.order.MoveToFront(el)
		return el.Value.(*pair).value, true
	}
	return 0, false
}

func (c *LRU) Put(key string, value int) {
	if el, ok := c.index[key]; ok {
		el.Value.(*pair).value = value
		c.order.MoveToFront(el)
		return
	}
	if c.order.Len() == c.capacity {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.index, last.Value.(*pair).key)
	}
	c.index[key] = c.order.PushFront(&pair{key, value})
}

func (c *LRU) Keys() []string {
	var keys []string
	for el := c.order.Front(); el != nil; el = el.Next() {
		keys = append(keys, el.Value.(*pair).key)
	}
	return keys
}

type LRU struct {
	capacity int
	order    *list.List
	index    map[string]*list.Element
}

type pair struct {
	key   string
	value int
}

func main() {
	c := NewLRU(3)
	c.Put("a", 1)
	c.Put("b", 2)
	c.Put("c", 3)
	c.Get("a")
	c.Put("d", 4)
	_, hasB := c.Get("b")
	fmt.Println(c.Keys(), hasB)
	c.Put("c", 30)
	v, _ := c.Get("c")
	fmt.Println(c.Keys(), v)
}
