#include <math.h>
#include <stdio.h>

typedef struct {
    double re, im;
} Complex;

Complex c_add(Complex a, Complex b) { return (Complex){a.re + b.re, a.im + b.im}; }
Complex c_mul(Complex a, Complex b) { return (Complex){a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re}; }
double c_abs(Complex a) { return hypot(a.re, a.im); }

int mandelbrot_iterations(Complex c, int limit)
{
    Complex z = {0, 0};
    for (int i = 0; i < limit; i++) {
        z = c_add(c_mul(z, z), c);
        if (c_abs(z) > 2)
            return i;
    }
    return limit;
}

void print_c(const char *label, Complex a) { printf("%s = %.2f%+.2fi\n", label, a.re, a.im); }

int main(void)
{
    Complex a = {3, 4}, b = {1, -2};
    print_c("a+b", c_add(a, b));
    print_c("a*b", c_mul(a, b));
    printf("|a| = %.1f\n", c_abs(a));
    for (double y = 1.0; y >= -1.0; y -= 0.5) {
        for (double x = -2.0; x <= 0.5; x += 0.125)
            putchar(mandelbrot_iterations((Complex){x, y}, 50) == 50 ? '#' : '.');
        putchar('\n');
    }
    return 0;
}
