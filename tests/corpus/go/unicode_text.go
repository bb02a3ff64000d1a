package main

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

type Stats struct {
	Bytes, Runes, Letters, Upper, Digits, Spaces int
}

func (s Stats) String() string {
	return fmt.Sprintf("bytes=%d runes=%d letters=%d upper=%d digits=%d spaces=%d",
		s.Bytes, s.Runes, s.Letters, s.Upper, s.Digits, s.Spaces)
}

func analyse(text string) Stats {
	st := Stats{Bytes: len(text), Runes: utf8.RuneCountInString(text)}
	for _, r := range text {
		switch {
		case unicode.IsUpper(r):
			st.Upper++
			st.Letters++
		case unicode.IsLetter(r):
			st.Letters++
		case unicode.IsDigit(r):
			st.Digits++
		case unicode.IsSpace(r):
			st.Spaces++
		}
	}
	return st
}

func titleCase(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		r, size := utf8.DecodeRuneInString(w)
		words[i] = string(unicode.ToUpper(r)) + strings.ToLower(w[size:])
	}
	return strings.Join(words, " ")
}

func main() {
	for _, t := range []string{"Hello, World 2024", "Ünïcödé ÅÄÖ ñ", "日本語 テキスト 3"} {
		fmt.Println(analyse(t))
		fmt.Println(titleCase(t))
	}
}
