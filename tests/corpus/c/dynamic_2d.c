#include <stdio.h>
#include <stdlib.h>

int **make_grid(int rows, int cols)
{
    int **g = malloc(rows * sizeof *g);
    for (int r = 0; r < rows; r++)
        g[r] = calloc(cols, sizeof **g);
    return g;
}

void free_grid(int **g, int rows)
{
    for (int r = 0; r < rows; r++)
        free(g[r]);
    free(g);
}

void pascal(int **g, int rows)
{
    for (int r = 0; r < rows; r++) {
        g[r][0] = g[r][r] = 1;
        for (int c = 1; c < r; c++)
            g[r][c] = g[r - 1][c - 1] + g[r - 1][c];
    }
}

int main(void)
{
    int rows = 8;
    int **g = make_grid(rows, rows);
    pascal(g, rows);
    for (int r = 0; r < rows; r++) {
        printf("%*s", (rows - r - 1) * 2, "");
        for (int c = 0; c <= r; c++)
            printf("%4d", g[r][c]);
        printf("\n");
    }
    free_grid(g, rows);
    return 0;
}
