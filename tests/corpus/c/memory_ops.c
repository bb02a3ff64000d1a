#include <stdio.h>
#include <string.h>

void dump(const char *label, const unsigned char *p, size_t n)
{
    printf("%-8s", label);
    for (size_t i = 0; i < n; i++)
        printf(" %02x", p[i]);
    printf("\n");
}

void shift_left(char *s, size_t by)
{
    size_t n = strlen(s);
    memmove(s, s + by, n - by + 1);
}

int main(void)
{
    unsigned char buf[8];
    memset(buf, 0xAB, sizeof buf);
    dump("memset", buf, sizeof buf);
    unsigned int word = 0x11223344u;
    memcpy(buf, &word, sizeof word);
    printf("%s\n", buf[0] == 0x44 ? "little endian" : "big endian");
    char text[] = "0123456789";
    memmove(text + 2, text, 5);
    printf("%s\n", text);
    shift_left(text, 3);
    printf("%s\n", text);
    char a[] = "apple", b[] = "apply";
    printf("%d %d\n", memcmp(a, b, 4) == 0, memcmp(a, b, 5) < 0);
    char *found = memchr(text, '6', strlen(text));
    printf("%s\n", found ? found : "none");
    return 0;
}
