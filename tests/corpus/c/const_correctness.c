#include <stdio.h>
#include <string.h>

size_t count_char(const char *s, char c)
{
    size_t n = 0;
    for (const char *p = s; *p; p++)
        n += *p == c;
    return n;
}

void upcase_in_place(char *s)
{
    for (; *s; s++)
        if (*s >= 'a' && *s <= 'z')
            *s -= 'a' - 'A';
}

const char *longest(const char *const *words, int n)
{
    const char *best = words[0];
    for (int i = 1; i < n; i++)
        if (strlen(words[i]) > strlen(best))
            best = words[i];
    return best;
}

static const double RATES[] = {0.1, 0.2, 0.4};
static const int RATE_COUNT = sizeof RATES / sizeof RATES[0];

int main(void)
{
    char text[] = "mississippi";
    printf("%zu %zu\n", count_char(text, 's'), count_char(text, 'p'));
    upcase_in_place(text);
    printf("%s\n", text);
    const char *words[] = {"const", "volatile", "restrict", "register"};
    printf("%s\n", longest(words, 4));
    for (int i = 0; i < RATE_COUNT; i++)
        printf("%.1f%%\n", RATES[i] * 100);
    return 0;
}
