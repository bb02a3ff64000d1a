#include <stdio.h>
#include <string.h>

static int count;

void swap(char *a, char *b)
{
    char t = *a;
    *a = *b;
    *b = t;
}

void permute(char *s, int l, int r)
{
    if (l == r) {
        count++;
        printf("%s%s", s, count % 6 == 0 ? "\n" : " ");
        return;
    }
    for (int i = l; i <= r; i++) {
        swap(&s[l], &s[i]);
        permute(s, l + 1, r);
        swap(&s[l], &s[i]);
    }
}

long factorial(int n) { return n <= 1 ? 1 : n * factorial(n - 1); }

int main(void)
{
    char word[] = "abc";
    permute(word, 0, (int)strlen(word) - 1);
    char longer[] = "abcd";
    count = 0;
    permute(longer, 0, 3);
    printf("%d permutations, expected %ld\n", count, factorial(4));
    return 0;
}
