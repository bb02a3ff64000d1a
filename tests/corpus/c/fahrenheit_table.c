#include <stdio.h>

#define LOWER 0
#define UPPER 300
#define STEP 20

float celsius(float fahr);

/* print Fahrenheit-Celsius table for fahr = 0, 20, ..., 300 */
int main(void)
{
    float fahr;

    printf("%3s %6s\n", "F", "C");
    for (fahr = LOWER; fahr <= UPPER; fahr = fahr + STEP)
        printf("%3.0f %6.1f\n", fahr, celsius(fahr));
    return 0;
}

float celsius(float fahr)
{
    return (5.0 / 9.0) * (fahr - 32.0);
}
