#include <stdarg.h>
#include <stdio.h>

int sum(int count, ...)
{
    va_list ap;
    va_start(ap, count);
    int total = 0;
    for (int i = 0; i < count; i++)
        total += va_arg(ap, int);
    va_end(ap);
    return total;
}

double mean(int count, ...)
{
    va_list ap;
    va_start(ap, count);
    double total = 0;
    for (int i = 0; i < count; i++)
        total += va_arg(ap, double);
    va_end(ap);
    return count ? total / count : 0;
}

void log_line(const char *level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%-5s| ", level);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

int main(void)
{
    printf("%d %d %d\n", sum(0), sum(3, 1, 2, 3), sum(5, 10, 20, 30, 40, 50));
    printf("%.2f\n", mean(4, 1.0, 2.5, 3.5, 5.0));
    log_line("INFO", "started %s with %d workers", "server", 4);
    log_line("WARN", "disk at %d%%", 91);
    return 0;
}
