#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct person {
    char name[16];
    int age;
    double height;
};

static int by_age(const void *a, const void *b)
{
    const struct person *p = a, *q = b;
    return (p->age > q->age) - (p->age < q->age);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct person *)a)->name, ((const struct person *)b)->name);
}

static int by_height_desc(const void *a, const void *b)
{
    double d = ((const struct person *)b)->height - ((const struct person *)a)->height;
    return (d > 0) - (d < 0);
}

static void show(const char *title, const struct person *people, size_t n)
{
    printf("%s:", title);
    for (size_t i = 0; i < n; i++)
        printf(" %s(%d,%.2f)", people[i].name, people[i].age, people[i].height);
    printf("\n");
}

int main(void)
{
    struct person people[] = {
        {"Dana", 34, 1.68}, {"Ali", 27, 1.80}, {"Chen", 45, 1.75}, {"Bea", 27, 1.62},
    };
    size_t n = sizeof people / sizeof *people;
    qsort(people, n, sizeof *people, by_name);
    show("name", people, n);
    qsort(people, n, sizeof *people, by_age);
    show("age", people, n);
    qsort(people, n, sizeof *people, by_height_desc);
    show("height", people, n);
    struct person key = {"Chen", 0, 0};
    qsort(people, n, sizeof *people, by_name);
    struct person *found = bsearch(&key, people, n, sizeof *people, by_name);
    printf("found %s aged %d\n", found->name, found->age);
    return 0;
}
