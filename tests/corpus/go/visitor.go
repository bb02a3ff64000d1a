package main

import (
	"fmt"
	"strings"
)

type Expr interface {
	Accept(v Visitor) string
}

type Visitor interface {
	VisitNum(n Num) string
	VisitAdd(a Add) string
	VisitMul(m Mul) string
}

func (n Num) Accept(v Visitor) string { return v.VisitNum(n) }
func (a Add) Accept(v Visitor) string { return v.VisitAdd(a) }
func (m Mul) Accept(v Visitor) string { return v.VisitMul(m) }

type Num float64
type Add struct{ L, R Expr }
type Mul struct{ L, R Expr }

type printer struct{}

func (printer) VisitNum(n Num) string { return fmt.Sprint(float64(n)) }
func (p printer) VisitAdd(a Add) string {
	return "(" + a.L.Accept(p) + " + " + a.R.Accept(p) + ")"
}
func (p printer) VisitMul(m Mul) string { return m.L.Accept(p) + " * " + m.R.Accept(p) }

type lisp struct{}

func (lisp) VisitNum(n Num) string   { return fmt.Sprint(float64(n)) }
func (l lisp) VisitAdd(a Add) string { return "(+ " + strings.Join([]string{a.L.Accept(l), a.R.Accept(l)}, " ") + ")" }
func (l lisp) VisitMul(m Mul) string { return "(* " + m.L.Accept(l) + " " + m.R.Accept(l) + ")" }

func main() {
	e := Mul{Add{Num(1), Num(2)}, Add{Num(3), Mul{Num(4), Num(5)}}}
	fmt.Println(e.Accept(printer{}))
	fmt.Println(e.Accept(lisp{}))
}
