#include <stdio.h>

enum weekday { SUNDAY, MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, DAYS };

static const char *const names[DAYS] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

const char *day_name(enum weekday d) { return d < DAYS ? names[d] : "?"; }

int is_weekend(enum weekday d)
{
    switch (d) {
    case SATURDAY:
    case SUNDAY:
        return 1;
    default:
        return 0;
    }
}

enum weekday add_days(enum weekday d, int n) { return (enum weekday)(((int)d + n % DAYS + DAYS) % DAYS); }

int main(void)
{
    for (enum weekday d = SUNDAY; d < DAYS; d++)
        printf("%-9s %s\n", day_name(d), is_weekend(d) ? "weekend" : "workday");
    printf("%s %s %s\n", day_name(add_days(FRIDAY, 3)), day_name(add_days(MONDAY, -2)), day_name(add_days(SUNDAY, 700)));
    return 0;
}
