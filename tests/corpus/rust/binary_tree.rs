#[derive(Debug)]
enum Tree {
    Leaf,
    Node(Box<Tree>, i32, Box<Tree>),
}

impl Tree {
    fn new() -> Tree {
        Tree::Leaf
    }

    fn insert(self, v: i32) -> Tree {
        match self {
            Tree::Leaf => Tree::Node(Box::new(Tree::Leaf), v, Box::new(Tree::Leaf)),
            Tree::Node(l, x, r) if v < x => Tree::Node(Box::new(l.insert(v)), x, r),
            Tree::Node(l, x, r) => Tree::Node(l, x, Box::new(r.insert(v))),
        }
    }

    fn in_order(&self, out: &mut Vec<i32>) {
        if let Tree::Node(l, x, r) = self {
            l.in_order(out);
            out.push(*x);
            r.in_order(out);
        }
    }

    fn depth(&self) -> usize {
        match self {
            Tree::Leaf => 0,
            Tree::Node(l, _, r) => 1 + l.depth().max(r.depth()),
        }
    }

    fn contains(&self, v: i32) -> bool {
        match self {
            Tree::Leaf => false,
            Tree::Node(l, x, r) => *x == v || if v < *x { l.contains(v) } else { r.contains(v) },
        }
    }
}

fn build(values: &[i32]) -> Tree {
    values.iter().fold(Tree::new(), |t, &v| t.insert(v))
}

fn main() {
    let t = build(&[50, 30, 70, 20, 40, 60, 80, 35]);
    let mut out = Vec::new();
    t.in_order(&mut out);
    println!("{:?}", out);
    println!("depth {} has 35: {} has 36: {}", t.depth(), t.contains(35), t.contains(36));
}
