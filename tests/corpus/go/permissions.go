package main

import (
	"fmt"
	"strings"
)

func (p Perm) String() string {
	if p == 0 {
		return "none"
	}
	var parts []string
	for _, f := range allPerms {
		if p&f.bit != 0 {
			parts = append(parts, f.name)
		}
	}
	return strings.Join(parts, "|")
}

func (p Perm) Has(q Perm) bool { return p&q == q }

var allPerms = []struct {
	bit  Perm
	name string
}{{Read, "read"}, {Write, "write"}, {Exec, "exec"}, {Admin, "admin"}}

type Perm uint8

const (
	Read Perm = 1 << iota
	Write
	Exec
	Admin
)

const ReadWrite = Read | Write

func main() {
	users := map[string]Perm{"guest": Read, "dev": ReadWrite | Exec, "root": Read | Write | Exec | Admin, "nobody": 0}
	for _, u := range []string{"guest", "dev", "root", "nobody"} {
		p := users[u]
		fmt.Printf("%-6s %-24v write=%v rw=%v\n", u, p, p.Has(Write), p.Has(ReadWrite))
	}
	fmt.Printf("%08b %d\n", Read|Admin, ReadWrite)
}
