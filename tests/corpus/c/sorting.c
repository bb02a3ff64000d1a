#include <stdio.h>
#include <string.h>

#define N 10

static void swap(int *a, int *b) { int t = *a; *a = *b; *b = t; }

void bubble_sort(int *a, int n)
{
    for (int i = 0; i < n - 1; i++)
        for (int j = 0; j < n - 1 - i; j++)
            if (a[j] > a[j + 1])
                swap(&a[j], &a[j + 1]);
}

void insertion_sort(int *a, int n)
{
    for (int i = 1; i < n; i++) {
        int key = a[i], j = i - 1;
        while (j >= 0 && a[j] > key) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = key;
    }
}

void quick_sort(int *a, int lo, int hi)
{
    if (lo >= hi)
        return;
    int pivot = a[hi], i = lo;
    for (int j = lo; j < hi; j++)
        if (a[j] < pivot)
            swap(&a[i++], &a[j]);
    swap(&a[i], &a[hi]);
    quick_sort(a, lo, i - 1);
    quick_sort(a, i + 1, hi);
}

void print(const char *name, const int *a, int n)
{
    printf("%-10s", name);
    for (int i = 0; i < n; i++)
        printf(" %d", a[i]);
    printf("\n");
}

const int data[N] = {29, 3, 72, 1, 88, 14, 3, 56, 40, 7};

int main(void)
{
    int a[N], b[N], c[N];
    memcpy(a, data, sizeof a);
    memcpy(b, data, sizeof b);
    memcpy(c, data, sizeof c);
    bubble_sort(a, N);
    insertion_sort(b, N);
    quick_sort(c, 0, N - 1);
    print("bubble", a, N);
    print("insertion", b, N);
    print("quick", c, N);
    printf("%s\n", memcmp(a, b, sizeof a) == 0 && memcmp(b, c, sizeof b) == 0 ? "agree" : "differ");
    return 0;
}
