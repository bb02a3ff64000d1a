#include <stdio.h>
#include <stdlib.h>

typedef struct {
    long num, den;
} Fraction;

static long gcd(long a, long b) { return b ? gcd(b, a % b) : labs(a); }

Fraction make(long n, long d)
{
    if (d < 0) {
        n = -n;
        d = -d;
    }
    long g = gcd(n, d);
    return (Fraction){n / g, d / g};
}

Fraction f_add(Fraction a, Fraction b) { return make(a.num * b.den + b.num * a.den, a.den * b.den); }
Fraction f_mul(Fraction a, Fraction b) { return make(a.num * b.num, a.den * b.den); }
Fraction f_div(Fraction a, Fraction b) { return make(a.num * b.den, a.den * b.num); }
int f_cmp(Fraction a, Fraction b) { long l = a.num * b.den, r = b.num * a.den; return (l > r) - (l < r); }

void show(const char *label, Fraction f) { printf("%-8s %ld/%ld\n", label, f.num, f.den); }

int main(void)
{
    Fraction half = make(1, 2), third = make(1, 3), x = make(-6, -8);
    show("1/2+1/3", f_add(half, third));
    show("1/2*1/3", f_mul(half, third));
    show("(1/2)/(1/3)", f_div(half, third));
    show("-6/-8", x);
    Fraction h = make(0, 1);
    for (int k = 1; k <= 6; k++)
        h = f_add(h, make(1, k));
    show("H(6)", h);
    printf("%d %d\n", f_cmp(half, third), f_cmp(third, x));
    return 0;
}
