#include <stdio.h>

struct item {
    char name[20];
    int quantity;
    double price;
};

int parse_item(const char *line, struct item *out)
{
    return sscanf(line, "%19s %d %lf", out->name, &out->quantity, &out->price) == 3;
}

double line_total(const struct item *it) { return it->quantity * it->price; }

const char *lines[] = {
    "apple 3 0.50",
    "bread 1 2.25",
    "broken line",
    "milk 2 1.10",
};

int main(void)
{
    double total = 0;
    int ok = 0;
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        struct item it;
        if (!parse_item(lines[i], &it)) {
            printf("skipping: %s\n", lines[i]);
            continue;
        }
        ok++;
        total += line_total(&it);
        printf("%-6s x%d  %6.2f\n", it.name, it.quantity, line_total(&it));
    }
    printf("%d items, total %.2f\n", ok, total);
    return 0;
}
