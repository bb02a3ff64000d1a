#include <stdio.h>

static int total_calls;

int next_id(void)
{
    static int id = 100;
    total_calls++;
    return id++;
}

const char *greeting(int hour)
{
    static char buffer[32];
    snprintf(buffer, sizeof buffer, "good %s", hour < 12 ? "morning" : hour < 18 ? "afternoon" : "evening");
    return buffer;
}

int running_sum(int x)
{
    static int sum;
    return sum += x;
}

int main(void)
{
    for (int i = 0; i < 3; i++)
        printf("id %d\n", next_id());
    printf("%s / %s\n", greeting(9), greeting(20));
    int xs[] = {5, 10, -3, 8};
    for (int i = 0; i < 4; i++)
        printf("%d ", running_sum(xs[i]));
    printf("\ncalls %d\n", total_calls);
    return 0;
}
