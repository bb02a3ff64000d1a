#include <stdio.h>
#include <stdlib.h>

#define MAXN 10

int cols[MAXN];

int safe(int row, int col)
{
    for (int r = 0; r < row; r++)
        if (cols[r] == col || abs(cols[r] - col) == row - r)
            return 0;
    return 1;
}

int solve(int row, int n)
{
    if (row == n)
        return 1;
    int found = 0;
    for (int c = 0; c < n; c++)
        if (safe(row, c)) {
            cols[row] = c;
            found += solve(row + 1, n);
        }
    return found;
}

void print_first(int n)
{
    for (int c = 0; c < n; c++) {
        cols[0] = c;
        if (solve(1, n)) {
            break;
        }
    }
}

int main(void)
{
    for (int n = 1; n <= 8; n++)
        printf("%d queens: %d solutions\n", n, solve(0, n));
    return 0;
}
