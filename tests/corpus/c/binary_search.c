#include <stdio.h>

int binary_search(const int *a, int n, int target)
{
    int lo = 0, hi = n - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (a[mid] == target)
            return mid;
        if (a[mid] < target)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -(lo + 1);
}

int lower_bound(const int *a, int n, int target)
{
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (a[mid] < target)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

const int sorted[] = {2, 3, 5, 7, 7, 7, 11, 13, 17, 19, 23};
#define COUNT ((int)(sizeof sorted / sizeof sorted[0]))

int main(void)
{
    int targets[] = {7, 2, 23, 8, 1, 30};
    for (int i = 0; i < 6; i++) {
        int r = binary_search(sorted, COUNT, targets[i]);
        if (r >= 0)
            printf("%d found at %d (first at %d)\n", targets[i], r, lower_bound(sorted, COUNT, targets[i]));
        else
            printf("%d missing, would go at %d\n", targets[i], -r - 1);
    }
    return 0;
}
