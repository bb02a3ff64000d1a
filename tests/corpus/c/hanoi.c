#include <stdio.h>

static int moves;

void move_disk(int disk, char from, char to)
{
    moves++;
    if (moves <= 7)
        printf("move disk %d from %c to %c\n", disk, from, to);
}

void hanoi(int n, char from, char to, char via)
{
    if (n == 0)
        return;
    hanoi(n - 1, from, via, to);
    move_disk(n, from, to);
    hanoi(n - 1, via, to, from);
}

int main(void)
{
    hanoi(3, 'A', 'C', 'B');
    printf("%d moves for 3 disks\n", moves);
    moves = 0;
    hanoi(12, 'A', 'C', 'B');
    printf("%d moves for 12 disks\n", moves);
    return 0;
}
