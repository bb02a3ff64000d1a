#include <stdio.h>
#include <string.h>

#define MAX 64

typedef struct {
    char items[MAX];
    int top;
} Stack;

void init(Stack *s) { s->top = -1; }
int is_empty(const Stack *s) { return s->top < 0; }
void push(Stack *s, char c) { if (s->top < MAX - 1) s->items[++s->top] = c; }
char pop(Stack *s) { return is_empty(s) ? '\0' : s->items[s->top--]; }

char matching(char close)
{
    switch (close) {
    case ')': return '(';
    case ']': return '[';
    case '}': return '{';
    }
    return 0;
}

int balanced(const char *text)
{
    Stack s;
    init(&s);
    for (; *text; text++) {
        if (strchr("([{", *text))
            push(&s, *text);
        else if (strchr(")]}", *text) && pop(&s) != matching(*text))
            return 0;
    }
    return is_empty(&s);
}

int main(void)
{
    const char *tests[] = {"(a[b]{c})", "(]", "((", "{[()()]}", ""};
    for (int i = 0; i < 5; i++)
        printf("%-12s %s\n", tests[i], balanced(tests[i]) ? "balanced" : "unbalanced");
    return 0;
}
