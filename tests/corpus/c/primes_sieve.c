#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define LIMIT 200

bool composite[LIMIT + 1];

void sieve(void)
{
    memset(composite, 0, sizeof composite);
    composite[0] = composite[1] = true;
    for (int i = 2; i * i <= LIMIT; i++)
        if (!composite[i])
            for (int j = i * i; j <= LIMIT; j += i)
                composite[j] = true;
}

int count_primes(int upto)
{
    int n = 0;
    for (int i = 2; i <= upto; i++)
        n += !composite[i];
    return n;
}

void factorize(int n)
{
    printf("%d =", n);
    for (int p = 2; p * p <= n; p++)
        while (n % p == 0) {
            printf(" %d", p);
            n /= p;
        }
    if (n > 1)
        printf(" %d", n);
    printf("\n");
}

int main(void)
{
    sieve();
    printf("%d primes up to %d\n", count_primes(LIMIT), LIMIT);
    for (int i = 2, shown = 0; shown < 15; i++)
        if (!composite[i])
            printf("%d%s", i, ++shown == 15 ? "\n" : " ");
    int nums[] = {360, 97, 1001, 65536};
    for (int i = 0; i < 4; i++)
        factorize(nums[i]);
    return 0;
}
