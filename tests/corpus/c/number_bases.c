#include <stdio.h>
#include <stdlib.h>

void to_binary(unsigned n, char *out)
{
    char tmp[33];
    int i = 0;
    do {
        tmp[i++] = '0' + (n & 1);
        n >>= 1;
    } while (n);
    for (int j = 0; j < i; j++)
        out[j] = tmp[i - 1 - j];
    out[i] = '\0';
}

unsigned from_binary(const char *s) { return (unsigned)strtoul(s, NULL, 2); }

int main(void)
{
    unsigned nums[] = {0, 5, 10, 255, 1024, 0xDEAD};
    char buf[40];
    for (int i = 0; i < 6; i++) {
        to_binary(nums[i], buf);
        printf("%6u  0x%-6X  0%-8o  %s -> %u\n", nums[i], nums[i], nums[i], buf, from_binary(buf));
    }
    printf("%ld %ld\n", strtol("ff", NULL, 16), strtol("777", NULL, 8));
    return 0;
}
