#include <stdio.h>
#include <stdlib.h>

typedef struct {
    int *data;
    size_t len, cap;
} Vec;

void vec_push(Vec *v, int x)
{
    if (v->len == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 4;
        v->data = realloc(v->data, v->cap * sizeof *v->data);
    }
    v->data[v->len++] = x;
}

int vec_pop(Vec *v) { return v->data[--v->len]; }

void vec_remove_if(Vec *v, int (*pred)(int))
{
    size_t j = 0;
    for (size_t i = 0; i < v->len; i++)
        if (!pred(v->data[i]))
            v->data[j++] = v->data[i];
    v->len = j;
}

int is_odd(int x) { return x % 2 != 0; }

void vec_print(const Vec *v)
{
    printf("[");
    for (size_t i = 0; i < v->len; i++)
        printf(i ? ", %d" : "%d", v->data[i]);
    printf("] len=%zu cap=%zu\n", v->len, v->cap);
}

int main(void)
{
    Vec v = {0};
    for (int i = 1; i <= 10; i++)
        vec_push(&v, i * i);
    vec_print(&v);
    printf("popped %d\n", vec_pop(&v));
    vec_remove_if(&v, is_odd);
    vec_print(&v);
    free(v.data);
    return 0;
}
