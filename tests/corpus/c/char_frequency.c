#include <ctype.h>
#include <stdio.h>

#define LETTERS 26

void count_letters(const char *text, int counts[LETTERS])
{
    for (int i = 0; i < LETTERS; i++)
        counts[i] = 0;
    for (; *text; text++)
        if (isalpha((unsigned char)*text))
            counts[tolower((unsigned char)*text) - 'a']++;
}

void histogram(const int counts[LETTERS])
{
    for (int i = 0; i < LETTERS; i++) {
        if (!counts[i])
            continue;
        printf("%c %2d ", 'a' + i, counts[i]);
        for (int j = 0; j < counts[i]; j++)
            putchar('*');
        putchar('\n');
    }
}

char most_common(const int counts[LETTERS])
{
    int best = 0;
    for (int i = 1; i < LETTERS; i++)
        if (counts[i] > counts[best])
            best = i;
    return (char)('a' + best);
}

int main(void)
{
    int counts[LETTERS];
    count_letters("The quick brown fox jumps over the lazy dog, then sleeps soundly.", counts);
    histogram(counts);
    printf("most common: %c\n", most_common(counts));
    return 0;
}
