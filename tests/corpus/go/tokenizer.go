package main

import (
	"fmt"
	"strings"
	"unicode"
)

func Tokenize(src string) []Token {
	var toks []Token
	for i := 0; i < len(src); {
		c := rune(src[i])
		switch {
		case unicode.IsSpace(c):
			i++
		case unicode.IsDigit(c):
			j := i
			for j < len(src) && unicode.IsDigit(rune(src[j])) {
				j++
			}
			toks = append(toks, Token{Number, src[i:j]})
			i = j
		case unicode.IsLetter(c):
			j := i
			for j < len(src) && (unicode.IsLetter(rune(src[j])) || unicode.IsDigit(rune(src[j]))) {
				j++
			}
			toks = append(toks, Token{Ident, src[i:j]})
			i = j
		case strings.ContainsRune("+-*/()=", c):
			toks = append(toks, Token{Operator, string(c)})
			i++
		default:
			toks = append(toks, Token{Invalid, string(c)})
			i++
		}
	}
	return append(toks, Token{EOF, ""})
}

type Token struct {
	Kind Kind
	Text string
}

func (t Token) String() string {
	if t.Kind == EOF {
		return "EOF"
	}
	return fmt.Sprintf("%v(%s)", t.Kind, t.Text)
}

type Kind int

const (
	Invalid Kind = iota
	Number
	Ident
	Operator
	EOF
)

var kindNames = []string{"Invalid", "Number", "Ident", "Operator", "EOF"}

func (k Kind) String() string { return kindNames[k] }

func main() {
	for _, src := range []string{"x1 = 42 + y * (3 - z)", "a $ b"} {
		fmt.Println(Tokenize(src))
	}
}
