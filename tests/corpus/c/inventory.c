#include <stdio.h>
#include <string.h>

#define MAX_ITEMS 16

struct item {
    char name[16];
    int qty;
    int price_cents;
};

struct inventory {
    struct item items[MAX_ITEMS];
    int count;
};

struct item *lookup(struct inventory *inv, const char *name)
{
    for (int i = 0; i < inv->count; i++)
        if (strcmp(inv->items[i].name, name) == 0)
            return &inv->items[i];
    return NULL;
}

void add_stock(struct inventory *inv, const char *name, int qty, int price)
{
    struct item *it = lookup(inv, name);
    if (!it) {
        it = &inv->items[inv->count++];
        snprintf(it->name, sizeof it->name, "%s", name);
        it->price_cents = price;
    }
    it->qty += qty;
}

int sell(struct inventory *inv, const char *name, int qty)
{
    struct item *it = lookup(inv, name);
    if (!it || it->qty < qty)
        return 0;
    it->qty -= qty;
    return qty * it->price_cents;
}

void report(const struct inventory *inv)
{
    long total = 0;
    for (int i = 0; i < inv->count; i++) {
        const struct item *it = &inv->items[i];
        total += (long)it->qty * it->price_cents;
        printf("%-8s %4d @ %5.2f\n", it->name, it->qty, it->price_cents / 100.0);
    }
    printf("stock value %.2f\n", total / 100.0);
}

int main(void)
{
    struct inventory inv = {.count = 0};
    add_stock(&inv, "bolt", 100, 15);
    add_stock(&inv, "nut", 250, 5);
    add_stock(&inv, "gear", 7, 1299);
    add_stock(&inv, "bolt", 20, 15);
    printf("sold for %d %d %d\n", sell(&inv, "nut", 50), sell(&inv, "gear", 10), sell(&inv, "cog", 1));
    report(&inv);
    return 0;
}
