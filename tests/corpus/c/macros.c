#include <stdio.h>

#define SQUARE(x) ((x) * (x))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define CLAMP(x, lo, hi) MIN(MAX(x, lo), hi)
#define STR(x) #x
#define XSTR(x) STR(x)
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define VERSION 3
#define LOG(fmt, ...) printf("[log] " fmt "\n", __VA_ARGS__)

#if VERSION >= 3
#define FEATURE "new feature"
#else
#define FEATURE "old feature"
#endif

#ifndef DEBUG
#define DEBUG 0
#endif

int main(void)
{
    int values[] = {-5, 3, 12, 7};
    for (size_t i = 0; i < ARRAY_LEN(values); i++)
        printf("%d -> square %d clamp %d\n", values[i], SQUARE(values[i]), CLAMP(values[i], 0, 10));
    printf("%s %s %s\n", STR(VERSION), XSTR(VERSION), FEATURE);
    LOG("%d values, debug=%d", (int)ARRAY_LEN(values), DEBUG);
    printf("%d\n", SQUARE(1 + 2));
    return 0;
}
