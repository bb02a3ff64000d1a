#include <stdio.h>

#define ROWS 3
#define COLS 3

typedef int Matrix[ROWS][COLS];

void multiply(Matrix a, Matrix b, Matrix out)
{
    for (int i = 0; i < ROWS; i++)
        for (int j = 0; j < COLS; j++) {
            out[i][j] = 0;
            for (int k = 0; k < COLS; k++)
                out[i][j] += a[i][k] * b[k][j];
        }
}

void transpose(Matrix m)
{
    for (int i = 0; i < ROWS; i++)
        for (int j = i + 1; j < COLS; j++) {
            int t = m[i][j];
            m[i][j] = m[j][i];
            m[j][i] = t;
        }
}

int trace(Matrix m)
{
    int t = 0;
    for (int i = 0; i < ROWS; i++)
        t += m[i][i];
    return t;
}

void print_matrix(const char *label, Matrix m)
{
    printf("%s\n", label);
    for (int i = 0; i < ROWS; i++) {
        for (int j = 0; j < COLS; j++)
            printf("%5d", m[i][j]);
        printf("\n");
    }
}

Matrix identity = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};

int main(void)
{
    Matrix a = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}};
    Matrix b = {{9, 8, 7}, {6, 5, 4}, {3, 2, 1}};
    Matrix c;
    multiply(a, b, c);
    print_matrix("a * b", c);
    multiply(a, identity, c);
    transpose(c);
    print_matrix("transpose(a * I)", c);
    printf("trace %d\n", trace(a));
    return 0;
}
