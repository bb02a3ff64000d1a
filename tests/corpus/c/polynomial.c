#include <stdio.h>

#define MAXDEG 8

typedef struct {
    int degree;
    double coef[MAXDEG + 1];
} Poly;

double eval(const Poly *p, double x)
{
    double r = 0;
    for (int i = p->degree; i >= 0; i--)
        r = r * x + p->coef[i];
    return r;
}

Poly add(const Poly *a, const Poly *b)
{
    Poly r = {a->degree > b->degree ? a->degree : b->degree, {0}};
    for (int i = 0; i <= r.degree; i++)
        r.coef[i] = (i <= a->degree ? a->coef[i] : 0) + (i <= b->degree ? b->coef[i] : 0);
    return r;
}

Poly multiply(const Poly *a, const Poly *b)
{
    Poly r = {a->degree + b->degree, {0}};
    for (int i = 0; i <= a->degree; i++)
        for (int j = 0; j <= b->degree; j++)
            r.coef[i + j] += a->coef[i] * b->coef[j];
    return r;
}

Poly derivative(const Poly *p)
{
    Poly r = {p->degree > 0 ? p->degree - 1 : 0, {0}};
    for (int i = 1; i <= p->degree; i++)
        r.coef[i - 1] = i * p->coef[i];
    return r;
}

void print(const char *name, const Poly *p)
{
    printf("%s =", name);
    for (int i = p->degree; i >= 0; i--)
        if (p->coef[i] != 0)
            printf(" %+gx^%d", p->coef[i], i);
    printf("\n");
}

int main(void)
{
    Poly a = {2, {1, -3, 2}}, b = {1, {4, 1}};
    Poly s = add(&a, &b), m = multiply(&a, &b), d = derivative(&m);
    print("a", &a);
    print("a+b", &s);
    print("a*b", &m);
    print("(a*b)'", &d);
    printf("a(2) = %g, (a*b)(1.5) = %g\n", eval(&a, 2), eval(&m, 1.5));
    return 0;
}
