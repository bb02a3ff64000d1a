package main

import "fmt"

func (c Celsius) ToF() Fahrenheit { return Fahrenheit(c*9/5 + 32) }
func (f Fahrenheit) ToC() Celsius { return Celsius((f - 32) * 5 / 9) }
func (k Kelvin) ToC() Celsius     { return Celsius(k - AbsoluteZeroK) }

func (c Celsius) String() string    { return fmt.Sprintf("%.1f°C", float64(c)) }
func (f Fahrenheit) String() string { return fmt.Sprintf("%.1f°F", float64(f)) }

type (
	Celsius    float64
	Fahrenheit float64
	Kelvin     float64
)

const (
	AbsoluteZeroK Kelvin  = 273.15
	Freezing      Celsius = 0
	Boiling       Celsius = 100
)

type Reading struct {
	City string
	Temp Celsius
}

func warmest(rs []Reading) Reading {
	best := rs[0]
	for _, r := range rs[1:] {
		if r.Temp > best.Temp {
			best = r
		}
	}
	return best
}

func main() {
	fmt.Println(Freezing.ToF(), Boiling.ToF(), Fahrenheit(98.6).ToC(), Kelvin(300).ToC())
	rs := []Reading{{"Oslo", -3.5}, {"Cairo", 31.2}, {"Quito", 18}}
	w := warmest(rs)
	fmt.Printf("%s is warmest at %v (%v)\n", w.City, w.Temp, w.Temp.ToF())
}
