#include <stdio.h>

#define PI 3.14159265358979

typedef enum { CIRCLE, RECTANGLE, TRIANGLE } ShapeKind;

typedef struct {
    ShapeKind kind;
    union {
        struct { double r; } circle;
        struct { double w, h; } rect;
        struct { double a, b, c; } tri;
    } u;
} Shape;

double area(const Shape *s);
double perimeter(const Shape *s);
const char *kind_name(ShapeKind k);

int main(void)
{
    Shape shapes[] = {
        {CIRCLE, {.circle = {1.5}}},
        {RECTANGLE, {.rect = {3, 4}}},
        {TRIANGLE, {.tri = {3, 4, 5}}},
    };
    double total = 0;
    for (int i = 0; i < 3; i++) {
        printf("%-9s area %7.3f perimeter %7.3f\n", kind_name(shapes[i].kind), area(&shapes[i]), perimeter(&shapes[i]));
        total += area(&shapes[i]);
    }
    printf("total %.3f\n", total);
    return 0;
}

double area(const Shape *s)
{
    switch (s->kind) {
    case CIRCLE: return PI * s->u.circle.r * s->u.circle.r;
    case RECTANGLE: return s->u.rect.w * s->u.rect.h;
    case TRIANGLE: {
        double a = s->u.tri.a, b = s->u.tri.b, c = s->u.tri.c, p = (a + b + c) / 2;
        double q = p * (p - a) * (p - b) * (p - c);
        double r = q;
        for (int i = 0; i < 30; i++)
            r = (r + q / r) / 2;
        return r;
    }
    }
    return 0;
}

double perimeter(const Shape *s)
{
    switch (s->kind) {
    case CIRCLE: return 2 * PI * s->u.circle.r;
    case RECTANGLE: return 2 * (s->u.rect.w + s->u.rect.h);
    case TRIANGLE: return s->u.tri.a + s->u.tri.b + s->u.tri.c;
    }
    return 0;
}

const char *kind_name(ShapeKind k)
{
    static const char *names[] = {"circle", "rectangle", "triangle"};
    return names[k];
}
