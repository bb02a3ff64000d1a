#include <stdio.h>
#include <stdlib.h>

struct node {
    int value;
    struct node *next;
};

struct node *push(struct node *head, int value);
struct node *reverse(struct node *head);
void print_list(const struct node *head);
void free_list(struct node *head);
int length(const struct node *head);

struct node *push(struct node *head, int value)
{
    struct node *n = malloc(sizeof *n);
    n->value = value;
    n->next = head;
    return n;
}

struct node *reverse(struct node *head)
{
    struct node *prev = NULL;
    while (head) {
        struct node *next = head->next;
        head->next = prev;
        prev = head;
        head = next;
    }
    return prev;
}

void print_list(const struct node *head)
{
    for (; head; head = head->next)
        printf("%d%s", head->value, head->next ? " -> " : "\n");
}

int length(const struct node *head)
{
    return head ? 1 + length(head->next) : 0;
}

void free_list(struct node *head)
{
    while (head) {
        struct node *next = head->next;
        free(head);
        head = next;
    }
}

int main(void)
{
    struct node *list = NULL;
    for (int i = 1; i <= 5; i++)
        list = push(list, i * 10);
    print_list(list);
    list = reverse(list);
    print_list(list);
    printf("length %d\n", length(list));
    free_list(list);
    return 0;
}
