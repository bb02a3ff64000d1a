package main

import "fmt"

type Cache[K comparable, V any] struct {
	entries  map[K]*entry[K, V]
	order    []K
	capacity int
}

type entry[K comparable, V any] struct {
	key   K
	value V
	hits  int
}

func NewCache[K comparable, V any](capacity int) *Cache[K, V] {
	return &Cache[K, V]{entries: map[K]*entry[K, V]{}, capacity: capacity}
}

func (c *Cache[K, V]) Put(k K, v V) {
	if _, ok := c.entries[k]; !ok {
		if len(c.order) == c.capacity {
			oldest := c.order[0]
			c.order = c.order[1:]
			delete(c.entries, oldest)
		}
		c.order = append(c.order, k)
	}
	c.entries[k] = &entry[K, V]{key: k, value: v}
}

func (c *Cache[K, V]) Get(k K) (V, bool) {
	if e, ok := c.entries[k]; ok {
		e.hits++
		return e.value, true
	}
	var zero V
	return zero, false
}

type Pair[A, B any] struct {
	First  A
	Second B
}

func (p Pair[A, B]) String() string { return fmt.Sprintf("(%v, %v)", p.First, p.Second) }

func main() {
	c := NewCache[string, Pair[int, bool]](2)
	c.Put("a", Pair[int, bool]{1, true})
	c.Put("b", Pair[int, bool]{2, false})
	c.Put("c", Pair[int, bool]{3, true})
	for _, k := range []string{"a", "b", "c"} {
		v, ok := c.Get(k)
		fmt.Println(k, v, ok)
	}
	fmt.Println(c.order)
}
