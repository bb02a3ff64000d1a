use std::cmp::Ordering;
use std::collections::BinaryHeap;

fn shortest_paths(graph: &Graph, start: usize) -> Vec<Option<u32>> {
    let mut dist: Vec<Option<u32>> = vec![None; graph.edges.len()];
    let mut heap = BinaryHeap::new();
    dist[start] = Some(0);
    heap.push(State { cost: 0, node: start });
    while let Some(State { cost, node }) = heap.pop() {
        if let Some(d) = dist[node] {
            if cost > d {
                continue;
            }
        }
        for e in &graph.edges[node] {
            let next = State { cost: cost + e.weight, node: e.to };
            if dist[e.to].map_or(true, |d| next.cost < d) {
                dist[e.to] = Some(next.cost);
                heap.push(next);
            }
        }
    }
    dist
}

#[derive(Copy, Clone, Eq, PartialEq)]
struct State {
    cost: u32,
    node: usize,
}

impl Ord for State {
    fn cmp(&self, other: &Self) -> Ordering {
        other.cost.cmp(&self.cost).then_with(|| self.node.cmp(&other.node))
    }
}

impl PartialOrd for State {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

struct Edge {
    to: usize,
    weight: u32,
}

struct Graph {
    edges: Vec<Vec<Edge>>,
}

impl Graph {
    fn new(n: usize, list: &[(usize, usize, u32)]) -> Graph {
        let mut edges: Vec<Vec<Edge>> = (0..n).map(|_| Vec::new()).collect();
        for &(a, b, w) in list {
            edges[a].push(Edge { to: b, weight: w });
        }
        Graph { edges }
    }
}

fn main() {
    let g = Graph::new(6, &[(0, 1, 7), (0, 2, 9), (0, 5, 14), (1, 2, 10), (1, 3, 15), (2, 3, 11), (2, 5, 2), (3, 4, 6)]);
    println!("{:?}", shortest_paths(&g, 0));
    println!("{:?}", shortest_paths(&g, 3));
}
