package main

import (
	"fmt"
	"strings"
	"sync"
)

func processAll(inputs []string) []Summary {
	results := make([]Summary, len(inputs))
	var wg sync.WaitGroup
	for i, in := range inputs {
		wg.Add(1)
		go func(i int, in string) {
			defer wg.Done()
			results[i] = summarize(in)
		}(i, in)
	}
	wg.Wait()
	return results
}

func summarize(s string) Summary {
	words := strings.Fields(s)
	longest := ""
	for _, w := range words {
		if len(w) > len(longest) {
			longest = w
		}
	}
	return Summary{Words: len(words), Longest: longest, Vowels: countVowels(s)}
}

func countVowels(s string) (n int) {
	for _, r := range strings.ToLower(s) {
		if strings.ContainsRune("aeiou", r) {
			n++
		}
	}
	return
}

type Summary struct {
	Words   int
	Longest string
	Vowels  int
}

func main() {
	inputs := []string{
		"the rain in spain",
		"concurrency is not parallelism",
		"go gophers go",
	}
	for i, s := range processAll(inputs) {
		fmt.Printf("%d: %+v\n", i, s)
	}
}
