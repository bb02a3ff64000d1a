package main

import (
	"encoding/json"
	"fmt"
)

func buildOrder() Order {
	return Order{
		ID:       1001,
		Customer: Customer{Name: "Ada", Email: "ada@example.com"},
		Lines: []Line{
			{SKU: "pen", Quantity: 3, UnitCents: 150},
			{SKU: "pad", Quantity: 1, UnitCents: 499},
		},
		Tags: map[string]string{"priority": "high", "channel": "web"},
	}
}

type Order struct {
	ID       int               `json:"id"`
	Customer Customer          `json:"customer"`
	Lines    []Line            `json:"lines"`
	Tags     map[string]string `json:"tags,omitempty"`
	Note     string            `json:"note,omitempty"`
}

type Customer struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

type Line struct {
	SKU       string `json:"sku"`
	Quantity  int    `json:"qty"`
	UnitCents int    `json:"unit_cents"`
}

func (o Order) TotalCents() (t int) {
	for _, l := range o.Lines {
		t += l.Quantity * l.UnitCents
	}
	return
}

func main() {
	o := buildOrder()
	data, err := json.MarshalIndent(o, "", "  ")
	if err != nil {
		panic(err)
	}
	fmt.Println(string(data))
	var back Order
	if err := json.Unmarshal(data, &back); err != nil {
		panic(err)
	}
	fmt.Println(back.Customer.Name, len(back.Lines), back.TotalCents())
}
