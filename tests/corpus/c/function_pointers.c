#include <stdio.h>
#include <string.h>

typedef double (*binary_op)(double, double);

double add(double a, double b) { return a + b; }
double sub(double a, double b) { return a - b; }
double mul(double a, double b) { return a * b; }
double divide(double a, double b) { return b != 0 ? a / b : 0; }

struct operation {
    const char *symbol;
    binary_op fn;
};

static const struct operation ops[] = {{"+", add}, {"-", sub}, {"*", mul}, {"/", divide}};

binary_op lookup(const char *symbol)
{
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strcmp(ops[i].symbol, symbol) == 0)
            return ops[i].fn;
    return NULL;
}

void apply_all(const double *xs, int n, double (*f)(double, double), double arg)
{
    for (int i = 0; i < n; i++)
        printf("%g%c", f(xs[i], arg), i == n - 1 ? '\n' : ' ');
}

int main(void)
{
    const char *exprs[][3] = {{"6", "*", "7"}, {"10", "/", "4"}, {"3", "^", "2"}, {"1", "-", "9"}};
    for (int i = 0; i < 4; i++) {
        double a, b;
        sscanf(exprs[i][0], "%lf", &a);
        sscanf(exprs[i][2], "%lf", &b);
        binary_op f = lookup(exprs[i][1]);
        if (f)
            printf("%g %s %g = %g\n", a, exprs[i][1], b, f(a, b));
        else
            printf("unknown operator %s\n", exprs[i][1]);
    }
    double xs[] = {1, 2, 3};
    apply_all(xs, 3, mul, 10);
    return 0;
}
