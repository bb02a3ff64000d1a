use std::collections::{BTreeMap, BTreeSet, VecDeque};

fn bfs_order(g: &Graph, start: &str) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut order = Vec::new();
    let mut queue = VecDeque::from([start.to_string()]);
    seen.insert(start.to_string());
    while let Some(node) = queue.pop_front() {
        for n in g.neighbours(&node) {
            if seen.insert(n.clone()) {
                queue.push_back(n.clone());
            }
        }
        order.push(node);
    }
    order
}

fn components(g: &Graph) -> usize {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut count = 0;
    for node in g.adj.keys() {
        if !seen.contains(node) {
            count += 1;
            seen.extend(bfs_order(g, node));
        }
    }
    count
}

#[derive(Default)]
struct Graph {
    adj: BTreeMap<String, BTreeSet<String>>,
}

impl Graph {
    fn add_edge(&mut self, a: &str, b: &str) {
        self.adj.entry(a.into()).or_default().insert(b.into());
        self.adj.entry(b.into()).or_default().insert(a.into());
    }

    fn neighbours(&self, n: &str) -> Vec<String> {
        self.adj.get(n).map(|s| s.iter().cloned().collect()).unwrap_or_default()
    }
}

fn main() {
    let mut g = Graph::default();
    for (a, b) in [("a", "b"), ("a", "c"), ("b", "d"), ("c", "d"), ("d", "e"), ("x", "y")] {
        g.add_edge(a, b);
    }
    println!("{:?}", bfs_order(&g, "a"));
    println!("{:?}", bfs_order(&g, "y"));
    println!("{} components", components(&g));
}
