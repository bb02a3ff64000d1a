#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUCKETS 16

struct entry {
    char *key;
    int value;
    struct entry *next;
};

struct table {
    struct entry *buckets[BUCKETS];
    int size;
};

unsigned hash(const char *s)
{
    unsigned h = 5381;
    while (*s)
        h = h * 33 + (unsigned char)*s++;
    return h % BUCKETS;
}

struct entry *find(struct table *t, const char *key)
{
    for (struct entry *e = t->buckets[hash(key)]; e; e = e->next)
        if (strcmp(e->key, key) == 0)
            return e;
    return NULL;
}

void put(struct table *t, const char *key, int value)
{
    struct entry *e = find(t, key);
    if (e) {
        e->value = value;
        return;
    }
    e = malloc(sizeof *e);
    e->key = strdup(key);
    e->value = value;
    unsigned h = hash(key);
    e->next = t->buckets[h];
    t->buckets[h] = e;
    t->size++;
}

void clear(struct table *t)
{
    for (int i = 0; i < BUCKETS; i++)
        while (t->buckets[i]) {
            struct entry *e = t->buckets[i];
            t->buckets[i] = e->next;
            free(e->key);
            free(e);
        }
    t->size = 0;
}

int main(void)
{
    struct table t = {0};
    const char *words[] = {"the", "cat", "sat", "on", "the", "mat", "the", "end"};
    for (int i = 0; i < 8; i++) {
        struct entry *e = find(&t, words[i]);
        put(&t, words[i], e ? e->value + 1 : 1);
    }
    const char *probe[] = {"the", "cat", "dog"};
    for (int i = 0; i < 3; i++) {
        struct entry *e = find(&t, probe[i]);
        printf("%s: %d\n", probe[i], e ? e->value : 0);
    }
    printf("%d distinct\n", t.size);
    clear(&t);
    return 0;
}
