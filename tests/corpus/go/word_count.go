package main

import (
	"fmt"
	"sort"
	"strings"
)

const text = `It was the best of times, it was the worst of times,
it was the age of wisdom, it was the age of foolishness`

func main() {
	counts := countWords(text)
	for _, wc := range topN(counts, 5) {
		fmt.Printf("%-8s %d\n", wc.Word, wc.Count)
	}
	fmt.Println(len(counts), "distinct words")
}

func countWords(s string) map[string]int {
	counts := make(map[string]int)
	for _, w := range strings.FieldsFunc(strings.ToLower(s), notLetter) {
		counts[w]++
	}
	return counts
}

func notLetter(r rune) bool { return r < 'a' || r > 'z' }

type wordCount struct {
	Word  string
	Count int
}

func topN(counts map[string]int, n int) []wordCount {
	var all []wordCount
	for w, c := range counts {
		all = append(all, wordCount{w, c})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].Count != all[j].Count {
			return all[i].Count > all[j].Count
		}
		return all[i].Word < all[j].Word
	})
	if len(all) > n {
		all = all[:n]
	}
	return all
}
