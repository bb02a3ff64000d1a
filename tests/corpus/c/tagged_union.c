#include <stdio.h>

typedef enum { INT, REAL, TEXT } Kind;

typedef struct {
    Kind kind;
    union {
        long i;
        double d;
        const char *s;
    } as;
} Value;

Value make_int(long i) { Value v = {INT, {.i = i}}; return v; }
Value make_real(double d) { Value v = {REAL, {.d = d}}; return v; }
Value make_text(const char *s) { Value v = {TEXT, {.s = s}}; return v; }

void print_value(Value v)
{
    switch (v.kind) {
    case INT: printf("int %ld\n", v.as.i); break;
    case REAL: printf("real %.3f\n", v.as.d); break;
    case TEXT: printf("text \"%s\"\n", v.as.s); break;
    }
}

double as_number(Value v)
{
    return v.kind == INT ? (double)v.as.i : v.kind == REAL ? v.as.d : 0.0;
}

union bits {
    float f;
    unsigned int u;
};

int main(void)
{
    Value values[] = {make_int(42), make_real(3.14159), make_text("hello"), make_int(-7)};
    double sum = 0;
    for (int i = 0; i < 4; i++) {
        print_value(values[i]);
        sum += as_number(values[i]);
    }
    printf("sum %.5f, size %zu\n", sum, sizeof(Value) >= sizeof(double));
    union bits b = {.f = 1.0f};
    printf("1.0f is 0x%08x\n", b.u);
    return 0;
}
