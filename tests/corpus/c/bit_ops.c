#include <stdio.h>

#define BIT(n) (1u << (n))

unsigned set_bit(unsigned x, int n) { return x | BIT(n); }
unsigned clear_bit(unsigned x, int n) { return x & ~BIT(n); }
unsigned toggle_bit(unsigned x, int n) { return x ^ BIT(n); }
int test_bit(unsigned x, int n) { return (x >> n) & 1u; }

int popcount(unsigned x)
{
    int n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}

void print_binary(unsigned x, int width)
{
    for (int i = width - 1; i >= 0; i--)
        putchar(test_bit(x, i) ? '1' : '0');
    putchar('\n');
}

unsigned reverse_bits(unsigned x, int width)
{
    unsigned r = 0;
    for (int i = 0; i < width; i++)
        if (test_bit(x, i))
            r |= BIT(width - 1 - i);
    return r;
}

int main(void)
{
    unsigned x = 0;
    x = set_bit(x, 1);
    x = set_bit(x, 4);
    x = toggle_bit(x, 7);
    print_binary(x, 8);
    x = clear_bit(x, 4);
    print_binary(x, 8);
    printf("%d %d %u %u\n", popcount(0xF0F0u), popcount(x), reverse_bits(0x01u, 8), 0xABu >> 4);
    print_binary(reverse_bits(0x2Du, 8), 8);
    return 0;
}
