#include <stdio.h>
#include <stdlib.h>

typedef struct DNode {
    int value;
    struct DNode *prev, *next;
} DNode;

typedef struct {
    DNode *head, *tail;
    int size;
} Deque;

void push_back(Deque *d, int v)
{
    DNode *n = calloc(1, sizeof *n);
    n->value = v;
    n->prev = d->tail;
    if (d->tail)
        d->tail->next = n;
    else
        d->head = n;
    d->tail = n;
    d->size++;
}

void push_front(Deque *d, int v)
{
    DNode *n = calloc(1, sizeof *n);
    n->value = v;
    n->next = d->head;
    if (d->head)
        d->head->prev = n;
    else
        d->tail = n;
    d->head = n;
    d->size++;
}

int pop_back(Deque *d)
{
    DNode *n = d->tail;
    int v = n->value;
    d->tail = n->prev;
    if (d->tail)
        d->tail->next = NULL;
    else
        d->head = NULL;
    free(n);
    d->size--;
    return v;
}

void print_both_ways(const Deque *d)
{
    for (DNode *n = d->head; n; n = n->next)
        printf("%d ", n->value);
    printf("| ");
    for (DNode *n = d->tail; n; n = n->prev)
        printf("%d ", n->value);
    printf("(size %d)\n", d->size);
}

int main(void)
{
    Deque d = {0};
    for (int i = 1; i <= 3; i++) {
        push_back(&d, i);
        push_front(&d, -i);
    }
    print_both_ways(&d);
    printf("popped %d %d\n", pop_back(&d), pop_back(&d));
    print_both_ways(&d);
    while (d.size)
        pop_back(&d);
    return 0;
}
