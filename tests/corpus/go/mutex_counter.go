package main

import (
	"fmt"
	"sync"
)

type SafeCounter struct {
	mu     sync.Mutex
	counts map[string]int
}

func (c *SafeCounter) Inc(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.counts[key]++
}

func (c *SafeCounter) Value(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[key]
}

func hammer(c *SafeCounter, key string, times int, wg *sync.WaitGroup) {
	defer wg.Done()
	for i := 0; i < times; i++ {
		c.Inc(key)
	}
}

func main() {
	c := SafeCounter{counts: make(map[string]int)}
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(2)
		go hammer(&c, "a", 100, &wg)
		go hammer(&c, "b", 50, &wg)
	}
	wg.Wait()
	fmt.Println(c.Value("a"), c.Value("b"), c.Value("c"))
}
