#include <stdio.h>
#include <stdlib.h>

typedef struct Node {
    int v;
    struct Node *next;
} Node;

void insert_sorted(Node **head, int v)
{
    while (*head && (*head)->v < v)
        head = &(*head)->next;
    Node *n = malloc(sizeof *n);
    n->v = v;
    n->next = *head;
    *head = n;
}

int remove_value(Node **head, int v)
{
    for (; *head; head = &(*head)->next)
        if ((*head)->v == v) {
            Node *dead = *head;
            *head = dead->next;
            free(dead);
            return 1;
        }
    return 0;
}

void print(const Node *n)
{
    for (; n; n = n->next)
        printf("%d ", n->v);
    printf("\n");
}

void set_to_max(int **slot, int *a, int *b) { *slot = *a > *b ? a : b; }

int main(void)
{
    Node *list = NULL;
    int values[] = {42, 7, 19, 3, 88, 19};
    for (int i = 0; i < 6; i++)
        insert_sorted(&list, values[i]);
    print(list);
    printf("%d %d\n", remove_value(&list, 19), remove_value(&list, 100));
    remove_value(&list, 3);
    print(list);
    int x = 5, y = 9, *p = NULL;
    set_to_max(&p, &x, &y);
    printf("%d\n", *p);
    while (list)
        remove_value(&list, list->v);
    return 0;
}
