#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int compare_ignore_case(const void *a, const void *b)
{
    return strcasecmp(*(const char *const *)a, *(const char *const *)b);
}

int compare_length(const void *a, const void *b)
{
    size_t x = strlen(*(const char *const *)a), y = strlen(*(const char *const *)b);
    return x < y ? -1 : x > y ? 1 : compare_names(a, b);
}

void print_all(const char *label, const char **names, size_t n)
{
    printf("%-8s", label);
    for (size_t i = 0; i < n; i++)
        printf(" %s", names[i]);
    printf("\n");
}

int main(void)
{
    const char *names[] = {"delta", "Alpha", "charlie", "bravo", "Echo", "foxtrot"};
    size_t n = sizeof names / sizeof names[0];
    qsort(names, n, sizeof names[0], compare_names);
    print_all("strcmp", names, n);
    qsort(names, n, sizeof names[0], compare_ignore_case);
    print_all("nocase", names, n);
    qsort(names, n, sizeof names[0], compare_length);
    print_all("length", names, n);
    return 0;
}
