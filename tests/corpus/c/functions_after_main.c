/* Functions declared with prototypes and defined after main, as K&R does it. */
#include <stdio.h>

int power(int base, int n);
double average(const int *values, int count);
void print_row(int n);

int main(void)
{
    for (int i = 0; i < 6; ++i)
        printf("%d %d %d\n", i, power(2, i), power(-3, i));
    int data[] = {4, 8, 15, 16, 23, 42};
    printf("average %.3f\n", average(data, 6));
    print_row(5);
    return 0;
}

int power(int base, int n)
{
    int p = 1;
    for (int i = 1; i <= n; ++i)
        p = p * base;
    return p;
}

double average(const int *values, int count)
{
    long sum = 0;
    for (int i = 0; i < count; i++)
        sum += values[i];
    return count ? (double)sum / count : 0.0;
}

void print_row(int n)
{
    for (int i = 1; i <= n; i++)
        printf("%d%c", i * i, i == n ? '\n' : ' ');
}
