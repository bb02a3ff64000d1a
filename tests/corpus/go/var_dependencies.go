// Package variables are initialized in dependency order, whatever order they are written in.
package main

import "fmt"

var (
	total    = subtotal + tax
	tax      = subtotal * taxRate / 100
	subtotal = sumPrices(cart)
)

var cart = []item{{"book", 1200}, {"lamp", 3450}, {"mug", 899}}

const taxRate = 20

type item struct {
	name  string
	cents int
}

func sumPrices(items []item) int {
	s := 0
	for _, it := range items {
		s += it.cents
	}
	return s
}

var greeting = makeGreeting(shopName)

const shopName = "Corner Shop"

func makeGreeting(name string) string { return "Welcome to " + name }

func main() {
	fmt.Println(greeting)
	for _, it := range cart {
		fmt.Printf("%-5s %6.2f\n", it.name, float64(it.cents)/100)
	}
	fmt.Printf("subtotal %.2f tax %.2f total %.2f\n", float64(subtotal)/100, float64(tax)/100, float64(total)/100)
}
