#include <math.h>
#include <stdio.h>

typedef struct {
    double x, y;
} Point;

double distance(Point a, Point b) { return hypot(a.x - b.x, a.y - b.y); }

Point midpoint(Point a, Point b) { return (Point){(a.x + b.x) / 2, (a.y + b.y) / 2}; }

Point rotate(Point p, double degrees)
{
    double r = degrees * M_PI / 180.0;
    return (Point){p.x * cos(r) - p.y * sin(r), p.x * sin(r) + p.y * cos(r)};
}

double polygon_perimeter(const Point *pts, int n)
{
    double total = 0;
    for (int i = 0; i < n; i++)
        total += distance(pts[i], pts[(i + 1) % n]);
    return total;
}

int main(void)
{
    Point a = {0, 0}, b = {3, 4};
    Point m = midpoint(a, b);
    Point r = rotate((Point){1, 0}, 90);
    printf("distance %.2f midpoint (%.1f, %.1f)\n", distance(a, b), m.x, m.y);
    printf("rotated (%.3f, %.3f)\n", fabs(r.x) < 1e-12 ? 0.0 : r.x, r.y);
    Point square[] = {{0, 0}, {2, 0}, {2, 2}, {0, 2}};
    printf("perimeter %.1f sqrt2 %.6f\n", polygon_perimeter(square, 4), sqrt(2.0));
    return 0;
}
