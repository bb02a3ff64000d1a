package main

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
)

func SortedKeys[M ~map[K]V, K cmp.Ordered, V any](m M) []K {
	return slices.Sorted(maps.Keys(m))
}

func GroupBy[T any, K comparable](xs []T, key func(T) K) map[K][]T {
	out := map[K][]T{}
	for _, x := range xs {
		k := key(x)
		out[k] = append(out[k], x)
	}
	return out
}

type City struct {
	Name       string
	Country    string
	Population int
}

func main() {
	cities := []City{
		{"Lyon", "FR", 513}, {"Porto", "PT", 231}, {"Paris", "FR", 2102},
		{"Lisbon", "PT", 545}, {"Nice", "FR", 342}, {"Bern", "CH", 134},
	}
	byCountry := GroupBy(cities, func(c City) string { return c.Country })
	for _, k := range SortedKeys(byCountry) {
		group := byCountry[k]
		slices.SortFunc(group, func(a, b City) int { return cmp.Compare(b.Population, a.Population) })
		names := make([]string, len(group))
		for i, c := range group {
			names[i] = c.Name
		}
		fmt.Println(k, names)
	}
	biggest := slices.MaxFunc(cities, func(a, b City) int { return cmp.Compare(a.Population, b.Population) })
	fmt.Println("biggest:", biggest.Name, slices.IndexFunc(cities, func(c City) bool { return c.Name == "Nice" }))
}
