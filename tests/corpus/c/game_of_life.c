#include <stdio.h>
#include <string.h>

#define W 8
#define H 6

typedef char Grid[H][W];

int neighbours(Grid g, int y, int x)
{
    int n = 0;
    for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++)
            if ((dy || dx) && g[(y + dy + H) % H][(x + dx + W) % W])
                n++;
    return n;
}

void step(Grid g)
{
    Grid next;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            int n = neighbours(g, y, x);
            next[y][x] = n == 3 || (n == 2 && g[y][x]);
        }
    memcpy(g, next, sizeof next);
}

void show(Grid g, int gen)
{
    printf("generation %d\n", gen);
    for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++)
            putchar(g[y][x] ? '#' : '.');
        putchar('\n');
    }
}

int main(void)
{
    Grid g = {0};
    g[0][1] = g[1][2] = g[2][0] = g[2][1] = g[2][2] = 1;
    for (int gen = 0; gen < 3; gen++) {
        show(g, gen);
        step(g);
    }
    return 0;
}
