#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 8

int split(char *line, const char *sep, char **fields, int max)
{
    int n = 0;
    for (char *tok = strtok(line, sep); tok && n < max; tok = strtok(NULL, sep))
        fields[n++] = tok;
    return n;
}

long sum_numbers(char **fields, int n)
{
    long total = 0;
    for (int i = 0; i < n; i++) {
        char *end;
        long v = strtol(fields[i], &end, 10);
        if (*end == '\0')
            total += v;
    }
    return total;
}

int main(void)
{
    char record[] = "alice,31,engineer,5000";
    char numbers[] = "10 20  x 30\t40";
    char *fields[MAX_FIELDS];
    int n = split(record, ",", fields, MAX_FIELDS);
    for (int i = 0; i < n; i++)
        printf("field %d: %s\n", i, fields[i]);
    n = split(numbers, " \t", fields, MAX_FIELDS);
    printf("%d tokens, sum of numbers %ld\n", n, sum_numbers(fields, n));
    return 0;
}
