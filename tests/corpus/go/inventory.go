package main

import (
	"fmt"
	"sort"
)

type Inventory struct {
	items map[string]*Item
}

func NewInventory() *Inventory { return &Inventory{items: map[string]*Item{}} }

func (inv *Inventory) Add(name string, qty int, price Money) {
	if it, ok := inv.items[name]; ok {
		it.Qty += qty
		return
	}
	inv.items[name] = &Item{Name: name, Qty: qty, Price: price}
}

func (inv *Inventory) Remove(name string, qty int) error {
	it, ok := inv.items[name]
	switch {
	case !ok:
		return fmt.Errorf("no item %q", name)
	case it.Qty < qty:
		return fmt.Errorf("only %d %s left", it.Qty, name)
	}
	it.Qty -= qty
	return nil
}

func (inv *Inventory) Report() {
	names := make([]string, 0, len(inv.items))
	for n := range inv.items {
		names = append(names, n)
	}
	sort.Strings(names)
	var total Money
	for _, n := range names {
		it := inv.items[n]
		value := it.Price * Money(it.Qty)
		total += value
		fmt.Printf("%-8s %3d x %7v = %8v\n", it.Name, it.Qty, it.Price, value)
	}
	fmt.Printf("%-8s %25v\n", "total", total)
}

type Item struct {
	Name  string
	Qty   int
	Price Money
}

type Money int // cents

func (m Money) String() string { return fmt.Sprintf("$%d.%02d", m/100, m%100) }

func main() {
	inv := NewInventory()
	inv.Add("bolts", 100, 15)
	inv.Add("nuts", 250, 5)
	inv.Add("gears", 7, 1299)
	inv.Add("bolts", 20, 15)
	fmt.Println(inv.Remove("nuts", 50), inv.Remove("gears", 10), inv.Remove("cogs", 1))
	inv.Report()
}
