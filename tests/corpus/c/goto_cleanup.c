#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int process(int fail_at)
{
    int status = -1;
    char *a = NULL, *b = NULL, *c = NULL;
    a = malloc(16);
    if (!a || fail_at == 1)
        goto out;
    strcpy(a, "first");
    b = malloc(16);
    if (!b || fail_at == 2)
        goto free_a;
    strcpy(b, "second");
    c = malloc(16);
    if (!c || fail_at == 3)
        goto free_b;
    snprintf(c, 16, "%s+%s", a, b);
    printf("built %s\n", c);
    status = 0;
    free(c);
free_b:
    free(b);
    printf("released b\n");
free_a:
    free(a);
    printf("released a\n");
out:
    return status;
}

int main(void)
{
    for (int f = 0; f <= 3; f++)
        printf("fail_at=%d -> %d\n", f, process(f));
    return 0;
}
