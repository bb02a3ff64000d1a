#include <stdio.h>

long gcd(long a, long b);
long lcm(long a, long b);
void reduce(long *num, long *den);

int main(void)
{
    long pairs[][2] = {{12, 18}, {17, 5}, {100, 75}, {270, 192}};
    for (int i = 0; i < 4; i++)
        printf("gcd(%ld, %ld) = %ld, lcm = %ld\n", pairs[i][0], pairs[i][1], gcd(pairs[i][0], pairs[i][1]),
               lcm(pairs[i][0], pairs[i][1]));
    long n = 42, d = 56;
    reduce(&n, &d);
    printf("42/56 = %ld/%ld\n", n, d);
    long l = 1;
    for (long k = 1; k <= 20; k++)
        l = lcm(l, k);
    printf("lcm(1..20) = %ld\n", l);
    return 0;
}

long gcd(long a, long b) { return b == 0 ? a : gcd(b, a % b); }

long lcm(long a, long b) { return a / gcd(a, b) * b; }

void reduce(long *num, long *den)
{
    long g = gcd(*num, *den);
    *num /= g;
    *den /= g;
}
