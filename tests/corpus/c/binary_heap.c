#include <stdio.h>

#define CAP 32

typedef struct {
    int data[CAP];
    int size;
} Heap;

static void swap(int *a, int *b) { int t = *a; *a = *b; *b = t; }

void heap_push(Heap *h, int v)
{
    int i = h->size++;
    h->data[i] = v;
    while (i > 0 && h->data[(i - 1) / 2] > h->data[i]) {
        swap(&h->data[(i - 1) / 2], &h->data[i]);
        i = (i - 1) / 2;
    }
}

int heap_pop(Heap *h)
{
    int top = h->data[0];
    h->data[0] = h->data[--h->size];
    for (int i = 0;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->size && h->data[l] < h->data[m])
            m = l;
        if (r < h->size && h->data[r] < h->data[m])
            m = r;
        if (m == i)
            break;
        swap(&h->data[i], &h->data[m]);
        i = m;
    }
    return top;
}

void heap_sort(int *a, int n)
{
    Heap h = {{0}, 0};
    for (int i = 0; i < n; i++)
        heap_push(&h, a[i]);
    for (int i = 0; i < n; i++)
        a[i] = heap_pop(&h);
}

int main(void)
{
    int a[] = {31, 4, 15, 9, 26, 5, 35, 8, 97, 93};
    int n = sizeof a / sizeof a[0];
    heap_sort(a, n);
    for (int i = 0; i < n; i++)
        printf("%d ", a[i]);
    printf("\n");
    Heap h = {{0}, 0};
    heap_push(&h, 7);
    heap_push(&h, 2);
    heap_push(&h, 5);
    printf("min %d, then %d, size %d\n", heap_pop(&h), heap_pop(&h), h.size);
    return 0;
}
