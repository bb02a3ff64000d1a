#include <stdio.h>

struct date {
    int year, month, day;
};

struct address {
    char street[32];
    char city[20];
};

struct person {
    char name[20];
    struct date born;
    struct address home;
    int scores[3];
};

int age_in(const struct person *p, int year) { return year - p->born.year; }

double average_score(const struct person *p)
{
    int sum = 0;
    for (int i = 0; i < 3; i++)
        sum += p->scores[i];
    return sum / 3.0;
}

void print_person(const struct person *p)
{
    printf("%s, born %04d-%02d-%02d, lives at %s, %s; average %.1f\n", p->name, p->born.year, p->born.month,
           p->born.day, p->home.street, p->home.city, average_score(p));
}

int main(void)
{
    struct person people[] = {
        {"Grace", {1906, 12, 9}, {"1 Navy Way", "Arlington"}, {90, 95, 99}},
        {"Alan", {1912, 6, 23}, {"Bletchley Park", "Milton Keynes"}, {99, 88, 77}},
    };
    for (int i = 0; i < 2; i++) {
        print_person(&people[i]);
        printf("  would be %d in 2000\n", age_in(&people[i], 2000));
    }
    struct person copy = people[0];
    copy.home.city[0] = 'X';
    printf("%s %s\n", people[0].home.city, copy.home.city);
    return 0;
}
