#include <stdio.h>
#include <string.h>

typedef enum { ENGINEERING, SALES, SUPPORT } Department;

typedef struct {
    char name[24];
    Department dept;
    double salary;
} Employee;

static const char *dept_names[] = {"engineering", "sales", "support"};

double payroll(const Employee *staff, int n, Department d)
{
    double total = 0;
    for (int i = 0; i < n; i++)
        if (staff[i].dept == d)
            total += staff[i].salary;
    return total;
}

const Employee *highest_paid(const Employee *staff, int n)
{
    const Employee *best = &staff[0];
    for (int i = 1; i < n; i++)
        if (staff[i].salary > best->salary)
            best = &staff[i];
    return best;
}

void give_raise(Employee *e, double percent) { e->salary *= 1.0 + percent / 100.0; }

int main(void)
{
    Employee staff[] = {
        {"Ada", ENGINEERING, 120000}, {"Ben", SALES, 70000}, {"Cleo", ENGINEERING, 105000},
        {"Dev", SUPPORT, 55000}, {"Eve", SALES, 82000},
    };
    int n = (int)(sizeof staff / sizeof staff[0]);
    give_raise(&staff[3], 10);
    for (Department d = ENGINEERING; d <= SUPPORT; d++)
        printf("%-12s %10.2f\n", dept_names[d], payroll(staff, n, d));
    const Employee *top = highest_paid(staff, n);
    printf("top: %s (%s)\n", top->name, dept_names[top->dept]);
    return strcmp(top->name, "Ada") != 0;
}
