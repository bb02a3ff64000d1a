package main

import (
	"fmt"
	"strings"
	"unicode"
)

func main() {
	for _, s := range []string{"Racecar", "A man, a plan, a canal: Panama", "golang"} {
		fmt.Printf("%q palindrome=%v reversed=%q\n", s, isPalindrome(s), reverse(s))
	}
	secret := caesar("Hello, Gophers!", 3)
	fmt.Println(secret, "->", caesar(secret, -3))
	fmt.Println(wordFrequencyLine("the cat and the hat and the bat"))
}

func isPalindrome(s string) bool {
	var letters []rune
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) {
			letters = append(letters, r)
		}
	}
	for i, j := 0, len(letters)-1; i < j; i, j = i+1, j-1 {
		if letters[i] != letters[j] {
			return false
		}
	}
	return true
}

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

func caesar(s string, shift int) string {
	return strings.Map(func(r rune) rune { return shiftRune(r, shift) }, s)
}

func shiftRune(r rune, shift int) rune {
	switch {
	case r >= 'a' && r <= 'z':
		return 'a' + (r-'a'+rune(shift)+26)%26
	case r >= 'A' && r <= 'Z':
		return 'A' + (r-'A'+rune(shift)+26)%26
	}
	return r
}

func wordFrequencyLine(s string) string {
	seen := map[string]int{}
	var order []string
	for _, w := range strings.Fields(s) {
		if seen[w] == 0 {
			order = append(order, w)
		}
		seen[w]++
	}
	parts := make([]string, len(order))
	for i, w := range order {
		parts[i] = fmt.Sprintf("%s=%d", w, seen[w])
	}
	return strings.Join(parts, " ")
}
