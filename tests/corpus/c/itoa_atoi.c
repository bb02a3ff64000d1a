#include <limits.h>
#include <stdio.h>
#include <string.h>

void reverse(char *s)
{
    for (int i = 0, j = (int)strlen(s) - 1; i < j; i++, j--) {
        char c = s[i];
        s[i] = s[j];
        s[j] = c;
    }
}

void my_itoa(long n, char *s, int base)
{
    const char *digits = "0123456789abcdefghijklmnopqrstuvwxyz";
    unsigned long u = n < 0 ? -(unsigned long)n : (unsigned long)n;
    int i = 0;
    do {
        s[i++] = digits[u % base];
    } while ((u /= base) > 0);
    if (n < 0)
        s[i++] = '-';
    s[i] = '\0';
    reverse(s);
}

int my_atoi(const char *s, int *ok)
{
    long v = 0;
    int sign = 1;
    *ok = 0;
    while (*s == ' ')
        s++;
    if (*s == '-' || *s == '+')
        sign = *s++ == '-' ? -1 : 1;
    if (*s < '0' || *s > '9')
        return 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        v = v * 10 + (*s - '0');
        if (v > INT_MAX)
            return 0;
    }
    *ok = *s == '\0';
    return (int)(sign * v);
}

int main(void)
{
    char buf[72];
    long nums[] = {0, 42, -1234, 255, LONG_MIN};
    for (int i = 0; i < 5; i++) {
        my_itoa(nums[i], buf, 10);
        printf("%s ", buf);
        my_itoa(nums[i], buf, 16);
        printf("(%s)\n", buf);
    }
    const char *inputs[] = {"  123", "-77", "12x", "+9", "99999999999"};
    for (int i = 0; i < 5; i++) {
        int ok, v = my_atoi(inputs[i], &ok);
        printf("%-12s -> %d %s\n", inputs[i], v, ok ? "ok" : "invalid");
    }
    return 0;
}
