#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *buf;
    size_t len, cap;
} StrBuf;

void sb_append(StrBuf *sb, const char *s)
{
    size_t n = strlen(s);
    if (sb->len + n + 1 > sb->cap) {
        sb->cap = (sb->len + n + 1) * 2;
        sb->buf = realloc(sb->buf, sb->cap);
    }
    memcpy(sb->buf + sb->len, s, n + 1);
    sb->len += n;
}

void sb_appendf_int(StrBuf *sb, const char *label, int value)
{
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%s=%d", label, value);
    sb_append(sb, tmp);
}

char *join(const char **parts, int n, const char *sep)
{
    StrBuf sb = {0};
    for (int i = 0; i < n; i++) {
        if (i)
            sb_append(&sb, sep);
        sb_append(&sb, parts[i]);
    }
    return sb.buf;
}

int main(void)
{
    StrBuf sb = {0};
    sb_append(&sb, "stats: ");
    for (int i = 1; i <= 3; i++) {
        sb_appendf_int(&sb, i == 1 ? "one" : i == 2 ? "two" : "three", i * i);
        sb_append(&sb, i < 3 ? ", " : "");
    }
    printf("%s (%zu chars)\n", sb.buf, sb.len);
    const char *parts[] = {"usr", "local", "bin"};
    char *path = join(parts, 3, "/");
    printf("/%s\n", path);
    free(path);
    free(sb.buf);
    return 0;
}
