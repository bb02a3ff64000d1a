#include <ctype.h>
#include <stdio.h>

#define IN 1
#define OUT 0

const char *text =
    "It was the best of times,\n"
    "it was the worst of times,\n"
    "it was the age of wisdom...\n";

struct counts {
    int lines, words, chars, longest;
};

struct counts wc(const char *s)
{
    struct counts c = {0, 0, 0, 0};
    int state = OUT, current = 0;
    for (; *s; s++) {
        c.chars++;
        if (*s == '\n')
            c.lines++;
        if (isspace((unsigned char)*s) || *s == ',' || *s == '.') {
            if (current > c.longest)
                c.longest = current;
            current = 0;
            state = OUT;
        } else {
            current++;
            if (state == OUT) {
                state = IN;
                c.words++;
            }
        }
    }
    return c;
}

int main(void)
{
    struct counts c = wc(text);
    printf("%d lines, %d words, %d chars, longest word %d\n", c.lines, c.words, c.chars, c.longest);
    return 0;
}
