#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXVAL 100

static double val[MAXVAL];
static int sp;

void push(double f)
{
    if (sp < MAXVAL)
        val[sp++] = f;
}

double pop(void) { return sp > 0 ? val[--sp] : 0.0; }

int evaluate(const char *expr, double *result)
{
    char buf[256];
    strncpy(buf, expr, sizeof buf - 1);
    buf[sizeof buf - 1] = '\0';
    sp = 0;
    for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " ")) {
        double a, b;
        if (strlen(tok) == 1 && strchr("+-*/", tok[0])) {
            if (sp < 2)
                return 0;
            b = pop();
            a = pop();
            switch (tok[0]) {
            case '+': push(a + b); break;
            case '-': push(a - b); break;
            case '*': push(a * b); break;
            case '/': push(a / b); break;
            }
        } else {
            push(atof(tok));
        }
    }
    if (sp != 1)
        return 0;
    *result = pop();
    return 1;
}

int main(void)
{
    const char *exprs[] = {"3 4 + 2 *", "5 1 2 + 4 * + 3 -", "2 3", "1 +", "10 4 /"};
    for (int i = 0; i < 5; i++) {
        double r;
        if (evaluate(exprs[i], &r))
            printf("%-20s = %g\n", exprs[i], r);
        else
            printf("%-20s error\n", exprs[i]);
    }
    return 0;
}
