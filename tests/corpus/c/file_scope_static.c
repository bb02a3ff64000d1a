#include <stdio.h>

static int seed = 12345;

static int next_random(void)
{
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
}

static int roll(int sides) { return next_random() % sides + 1; }

static void reseed(int s) { seed = s; }

int histogram[7];

int main(void)
{
    for (int i = 0; i < 600; i++)
        histogram[roll(6)]++;
    for (int face = 1; face <= 6; face++)
        printf("%d: %d\n", face, histogram[face]);
    reseed(1);
    printf("%d %d %d\n", roll(100), roll(100), roll(100));
    reseed(1);
    printf("%d (same again)\n", roll(100));
    return 0;
}
