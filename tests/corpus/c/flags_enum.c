#include <stdio.h>

enum permission {
    PERM_READ = 1 << 0,
    PERM_WRITE = 1 << 1,
    PERM_EXEC = 1 << 2,
    PERM_ADMIN = 1 << 3,
};

typedef unsigned perms_t;

static const struct {
    enum permission bit;
    const char *name;
} names[] = {{PERM_READ, "read"}, {PERM_WRITE, "write"}, {PERM_EXEC, "exec"}, {PERM_ADMIN, "admin"}};

void describe(const char *user, perms_t p)
{
    printf("%-6s", user);
    if (!p)
        printf(" none");
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (p & names[i].bit)
            printf(" %s", names[i].name);
    printf("\n");
}

int can(perms_t p, perms_t needed) { return (p & needed) == needed; }

int main(void)
{
    perms_t guest = PERM_READ, dev = PERM_READ | PERM_WRITE | PERM_EXEC, root = dev | PERM_ADMIN;
    describe("guest", guest);
    describe("dev", dev);
    describe("root", root);
    describe("nobody", 0);
    printf("%d %d %d\n", can(dev, PERM_READ | PERM_WRITE), can(guest, PERM_WRITE), can(root & ~PERM_EXEC, PERM_EXEC));
    return 0;
}
