#include <stdio.h>
#include <stddef.h>

size_t my_strlen(const char *s)
{
    const char *p = s;
    while (*p)
        p++;
    return (size_t)(p - s);
}

void reverse_array(int *begin, int *end)
{
    while (begin < --end) {
        int t = *begin;
        *begin++ = *end;
        *end = t;
    }
}

int *find(int *begin, int *end, int value)
{
    for (; begin != end; ++begin)
        if (*begin == value)
            return begin;
    return NULL;
}

int main(void)
{
    int a[] = {1, 2, 3, 4, 5, 6};
    int *end = a + sizeof a / sizeof *a;
    reverse_array(a, end);
    for (int *p = a; p < end; p++)
        printf("%d ", *p);
    printf("\n");
    int *hit = find(a, end, 4);
    printf("4 at index %td, %zu chars, %d\n", hit - a, my_strlen("pointer"), *(a + 2));
    char text[] = "abcdef";
    char *mid = text + 3;
    printf("%s %c %c\n", mid, *(mid - 1), mid[1]);
    return 0;
}
