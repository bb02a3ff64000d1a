#include <stdio.h>

#define LIMIT 90

typedef unsigned long long u64;

static u64 memo[LIMIT + 1];

u64 fib_recursive(int n)
{
    return n < 2 ? (u64)n : fib_recursive(n - 1) + fib_recursive(n - 2);
}

u64 fib_memo(int n)
{
    if (n < 2)
        return n;
    if (memo[n] == 0)
        memo[n] = fib_memo(n - 1) + fib_memo(n - 2);
    return memo[n];
}

u64 fib_iterative(int n)
{
    u64 a = 0, b = 1;
    while (n-- > 0) {
        u64 t = a + b;
        a = b;
        b = t;
    }
    return a;
}

int main(void)
{
    for (int n = 0; n <= 25; n += 5)
        printf("%2d %llu\n", n, fib_recursive(n));
    int ns[] = {50, 80, 90};
    for (int i = 0; i < 3; i++)
        printf("%d %llu %s\n", ns[i], fib_memo(ns[i]), fib_memo(ns[i]) == fib_iterative(ns[i]) ? "ok" : "bad");
    return 0;
}
