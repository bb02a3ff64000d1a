package main

import (
	"fmt"
	"strings"
)

func NewBus() *Bus { return &Bus{handlers: map[Topic][]Handler{}} }

func (b *Bus) Subscribe(t Topic, h Handler) { b.handlers[t] = append(b.handlers[t], h) }

func (b *Bus) Publish(e Event) int {
	n := 0
	for _, h := range b.handlers[e.Topic] {
		h.Handle(e)
		n++
	}
	return n
}

type Bus struct {
	handlers map[Topic][]Handler
}

type Handler interface{ Handle(Event) }

type HandlerFunc func(Event)

func (f HandlerFunc) Handle(e Event) { f(e) }

type Event struct {
	Topic   Topic
	Payload string
}

type Topic string

const (
	UserCreated Topic = "user.created"
	OrderPlaced Topic = "order.placed"
)

type auditLog struct{ entries []string }

func (a *auditLog) Handle(e Event) { a.entries = append(a.entries, string(e.Topic)+":"+e.Payload) }

func main() {
	bus := NewBus()
	audit := &auditLog{}
	bus.Subscribe(UserCreated, audit)
	bus.Subscribe(OrderPlaced, audit)
	bus.Subscribe(UserCreated, HandlerFunc(func(e Event) { fmt.Println("welcome,", e.Payload) }))
	fmt.Println(bus.Publish(Event{UserCreated, "ada"}))
	fmt.Println(bus.Publish(Event{OrderPlaced, "#42"}))
	fmt.Println(bus.Publish(Event{"unknown", "?"}))
	fmt.Println(strings.Join(audit.entries, " | "))
}
