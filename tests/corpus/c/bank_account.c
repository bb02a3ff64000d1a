#include <stdio.h>
#include <string.h>

#define MAX_ACCOUNTS 8

typedef struct {
    int id;
    char owner[20];
    long cents;
} Account;

static Account accounts[MAX_ACCOUNTS];
static int account_count;

Account *open_account(const char *owner, long cents)
{
    Account *a = &accounts[account_count];
    a->id = 1000 + account_count++;
    strncpy(a->owner, owner, sizeof a->owner - 1);
    a->cents = cents;
    return a;
}

Account *find_account(int id)
{
    for (int i = 0; i < account_count; i++)
        if (accounts[i].id == id)
            return &accounts[i];
    return NULL;
}

int transfer(int from, int to, long cents)
{
    Account *a = find_account(from), *b = find_account(to);
    if (!a || !b)
        return -1;
    if (a->cents < cents)
        return -2;
    a->cents -= cents;
    b->cents += cents;
    return 0;
}

void statement(void)
{
    for (int i = 0; i < account_count; i++)
        printf("%d %-6s %6ld.%02ld\n", accounts[i].id, accounts[i].owner, accounts[i].cents / 100, accounts[i].cents % 100);
}

int main(void)
{
    open_account("ada", 10000);
    open_account("bob", 2550);
    open_account("cy", 0);
    printf("%d %d %d\n", transfer(1000, 1001, 2500), transfer(1001, 1002, 99999), transfer(1000, 1009, 1));
    statement();
    return 0;
}
