#include <stdbool.h>
#include <stdio.h>

#define QCAP 4

typedef struct {
    int buf[QCAP];
    int head, count;
} Queue;

bool enqueue(Queue *q, int v)
{
    if (q->count == QCAP)
        return false;
    q->buf[(q->head + q->count++) % QCAP] = v;
    return true;
}

bool dequeue(Queue *q, int *out)
{
    if (q->count == 0)
        return false;
    *out = q->buf[q->head];
    q->head = (q->head + 1) % QCAP;
    q->count--;
    return true;
}

void print_queue(const Queue *q)
{
    printf("[");
    for (int i = 0; i < q->count; i++)
        printf(i ? " %d" : "%d", q->buf[(q->head + i) % QCAP]);
    printf("]\n");
}

int main(void)
{
    Queue q = {{0}, 0, 0};
    for (int i = 1; i <= 5; i++)
        printf("enqueue %d: %s\n", i, enqueue(&q, i * 10) ? "ok" : "full");
    print_queue(&q);
    int v;
    while (q.count > 2 && dequeue(&q, &v))
        printf("dequeued %d\n", v);
    enqueue(&q, 60);
    enqueue(&q, 70);
    print_queue(&q);
    return 0;
}
