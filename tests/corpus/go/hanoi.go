package main

import "fmt"

func hanoi(n int, from, to, via string, moves *[]Move) {
	if n == 0 {
		return
	}
	hanoi(n-1, from, via, to, moves)
	*moves = append(*moves, Move{Disk: n, From: from, To: to})
	hanoi(n-1, via, to, from, moves)
}

type Move struct {
	Disk     int
	From, To string
}

func (m Move) String() string { return fmt.Sprintf("disk %d: %s -> %s", m.Disk, m.From, m.To) }

func main() {
	var moves []Move
	hanoi(3, "A", "C", "B", &moves)
	for _, m := range moves {
		fmt.Println(m)
	}
	var many []Move
	hanoi(10, "A", "C", "B", &many)
	fmt.Println(len(many), "moves for 10 disks")
}
