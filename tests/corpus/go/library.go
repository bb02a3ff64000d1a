package main

import (
	"errors"
	"fmt"
	"sort"
)

func (l *Library) Borrow(memberID int, isbn string) error {
	b, ok := l.books[isbn]
	if !ok {
		return ErrNoSuchBook
	}
	if b.BorrowedBy != 0 {
		return fmt.Errorf("%q is out: %w", b.Title, ErrUnavailable)
	}
	m := l.members[memberID]
	if len(m.Loans) >= maxLoans {
		return fmt.Errorf("%s has %d loans: %w", m.Name, len(m.Loans), ErrLimit)
	}
	b.BorrowedBy = memberID
	m.Loans = append(m.Loans, isbn)
	return nil
}

func (l *Library) Return(isbn string) {
	b := l.books[isbn]
	m := l.members[b.BorrowedBy]
	for i, x := range m.Loans {
		if x == isbn {
			m.Loans = append(m.Loans[:i], m.Loans[i+1:]...)
			break
		}
	}
	b.BorrowedBy = 0
}

var (
	ErrNoSuchBook  = errors.New("no such book")
	ErrUnavailable = errors.New("unavailable")
	ErrLimit       = errors.New("loan limit reached")
)

const maxLoans = 2

type Library struct {
	books   map[string]*Book
	members map[int]*Member
}

type Book struct {
	ISBN, Title string
	BorrowedBy  int
}

type Member struct {
	ID    int
	Name  string
	Loans []string
}

func main() {
	lib := &Library{books: map[string]*Book{}, members: map[int]*Member{}}
	for _, b := range []Book{{"1", "Dune", 0}, {"2", "Emma", 0}, {"3", "Ulysses", 0}} {
		b := b
		lib.books[b.ISBN] = &b
	}
	lib.members[7] = &Member{ID: 7, Name: "Kim"}
	lib.members[8] = &Member{ID: 8, Name: "Lee"}
	for _, req := range []struct {
		who  int
		isbn string
	}{{7, "1"}, {8, "1"}, {7, "2"}, {7, "3"}, {8, "9"}} {
		err := lib.Borrow(req.who, req.isbn)
		fmt.Println(req.who, req.isbn, err, errors.Is(err, ErrUnavailable))
	}
	lib.Return("1")
	fmt.Println(lib.Borrow(8, "1"))
	var out []string
	for _, b := range lib.books {
		out = append(out, fmt.Sprintf("%s:%d", b.Title, b.BorrowedBy))
	}
	sort.Strings(out)
	fmt.Println(out)
}
