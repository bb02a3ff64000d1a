/* main's body declares variable-length arrays: fine as locals (after %% in a notebook). */
#include <stdio.h>

void fill_multiples(int n, int table[n][n])
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            table[i][j] = (i + 1) * (j + 1);
}

int sum_diagonal(int n, int table[n][n])
{
    int s = 0;
    for (int i = 0; i < n; i++)
        s += table[i][i];
    return s;
}

int main(void)
{
    int n = 5;
    int table[n][n];
    fill_multiples(n, table);
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++)
            printf("%4d", table[i][j]);
        printf("\n");
    }
    int counts[n + 1];
    for (int i = 0; i <= n; i++)
        counts[i] = i * i;
    printf("diagonal %d, last %d\n", sum_diagonal(n, table), counts[n]);
    return 0;
}
