package main

import (
	"errors"
	"fmt"
)

type Account struct {
	Owner   string
	balance int
	history []Transaction
}

func NewAccount(owner string, opening int) *Account {
	a := &Account{Owner: owner}
	a.Deposit(opening)
	return a
}

func (a *Account) Deposit(amount int) {
	a.balance += amount
	a.history = append(a.history, Transaction{Kind: "deposit", Amount: amount})
}

func (a *Account) Withdraw(amount int) error {
	if amount > a.balance {
		return &InsufficientFunds{Need: amount, Have: a.balance}
	}
	a.balance -= amount
	a.history = append(a.history, Transaction{Kind: "withdraw", Amount: amount})
	return nil
}

type Transaction struct {
	Kind   string
	Amount int
}

type InsufficientFunds struct {
	Need, Have int
}

func (e *InsufficientFunds) Error() string {
	return fmt.Sprintf("insufficient funds: need %d, have %d", e.Need, e.Have)
}

func main() {
	acct := NewAccount("ada", 100)
	acct.Deposit(50)
	if err := acct.Withdraw(30); err != nil {
		fmt.Println("error:", err)
	}
	err := acct.Withdraw(500)
	var funds *InsufficientFunds
	if errors.As(err, &funds) {
		fmt.Println("error:", err, "short by", funds.Need-funds.Have)
	}
	for _, t := range acct.history {
		fmt.Printf("%-8s %4d\n", t.Kind, t.Amount)
	}
	fmt.Println(acct.Owner, acct.balance)
}
