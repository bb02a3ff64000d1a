#include <stdio.h>

int is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int month, int year)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

/* Zeller's congruence: 0 = Saturday */
int day_of_week(int d, int m, int y)
{
    if (m < 3) {
        m += 12;
        y--;
    }
    int k = y % 100, j = y / 100;
    return (d + 13 * (m + 1) / 5 + k + k / 4 + j / 4 + 5 * j) % 7;
}

int day_of_year(int d, int m, int y)
{
    int n = d;
    for (int i = 1; i < m; i++)
        n += days_in_month(i, y);
    return n;
}

const char *weekday[] = {"Saturday", "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday"};

int main(void)
{
    int dates[][3] = {{1, 1, 2000}, {29, 2, 2024}, {4, 7, 1776}, {31, 12, 2023}};
    for (int i = 0; i < 4; i++) {
        int d = dates[i][0], m = dates[i][1], y = dates[i][2];
        printf("%02d/%02d/%d %-9s day %d\n", d, m, y, weekday[day_of_week(d, m, y)], day_of_year(d, m, y));
    }
    printf("leap: %d %d %d %d\n", is_leap(1900), is_leap(2000), is_leap(2023), is_leap(2024));
    return 0;
}
