#include <stdio.h>
#include <string.h>

#define V 7

int adj[V][V];

void add_edge(int a, int b) { adj[a][b] = adj[b][a] = 1; }

int bfs(int start, int target, int *path)
{
    int prev[V], queue[V], head = 0, tail = 0;
    memset(prev, -1, sizeof prev);
    prev[start] = start;
    queue[tail++] = start;
    while (head < tail) {
        int u = queue[head++];
        if (u == target)
            break;
        for (int v = 0; v < V; v++)
            if (adj[u][v] && prev[v] < 0) {
                prev[v] = u;
                queue[tail++] = v;
            }
    }
    if (prev[target] < 0)
        return 0;
    int len = 0;
    for (int v = target; v != start; v = prev[v])
        path[len++] = v;
    path[len++] = start;
    return len;
}

int main(void)
{
    int edges[][2] = {{0, 1}, {0, 2}, {1, 3}, {2, 3}, {3, 4}, {5, 6}};
    for (int i = 0; i < 6; i++)
        add_edge(edges[i][0], edges[i][1]);
    int queries[][2] = {{0, 4}, {4, 2}, {0, 6}};
    for (int q = 0; q < 3; q++) {
        int path[V];
        int len = bfs(queries[q][0], queries[q][1], path);
        printf("%d -> %d:", queries[q][0], queries[q][1]);
        if (!len)
            printf(" unreachable");
        for (int i = len - 1; i >= 0; i--)
            printf(" %d", path[i]);
        printf("\n");
    }
    return 0;
}
