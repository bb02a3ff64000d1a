#include <stdio.h>

#define ROWS 5
#define COLS 7

char maze[ROWS][COLS + 1] = {
    "S.#....",
    ".##.##.",
    "....#..",
    "#.#...#",
    "..#.#.E",
};

int visited[ROWS][COLS];

int solve(int r, int c)
{
    if (r < 0 || c < 0 || r >= ROWS || c >= COLS || maze[r][c] == '#' || visited[r][c])
        return 0;
    visited[r][c] = 1;
    if (maze[r][c] == 'E')
        return 1;
    static const int dr[] = {0, 1, 0, -1}, dc[] = {1, 0, -1, 0};
    for (int i = 0; i < 4; i++)
        if (solve(r + dr[i], c + dc[i])) {
            if (maze[r][c] == '.')
                maze[r][c] = '*';
            return 1;
        }
    return 0;
}

int main(void)
{
    printf("%s\n", solve(0, 0) ? "solved" : "no way out");
    for (int r = 0; r < ROWS; r++)
        printf("%s\n", maze[r]);
    return 0;
}
