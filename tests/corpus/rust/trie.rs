use std::collections::BTreeMap;

impl Trie {
    fn new() -> Self {
        Trie { root: TrieNode::default(), words: 0 }
    }

    fn insert(&mut self, word: &str) {
        let mut node = &mut self.root;
        for c in word.chars() {
            node = node.children.entry(c).or_default();
        }
        if !node.end {
            node.end = true;
            self.words += 1;
        }
    }

    fn find(&self, prefix: &str) -> Option<&TrieNode> {
        let mut node = &self.root;
        for c in prefix.chars() {
            node = node.children.get(&c)?;
        }
        Some(node)
    }

    fn contains(&self, word: &str) -> bool {
        self.find(word).map_or(false, |n| n.end)
    }

    fn complete(&self, prefix: &str) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(n) = self.find(prefix) {
            n.collect(prefix.to_string(), &mut out);
        }
        out
    }
}

impl TrieNode {
    fn collect(&self, acc: String, out: &mut Vec<String>) {
        if self.end {
            out.push(acc.clone());
        }
        for (c, child) in &self.children {
            child.collect(format!("{}{}", acc, c), out);
        }
    }
}

struct Trie {
    root: TrieNode,
    words: usize,
}

#[derive(Default)]
struct TrieNode {
    children: BTreeMap<char, TrieNode>,
    end: bool,
}

fn main() {
    let mut t = Trie::new();
    for w in ["car", "card", "care", "cat", "dog", "dot", "car"] {
        t.insert(w);
    }
    println!("{} {} {}", t.words, t.contains("car"), t.contains("ca"));
    println!("{:?} {:?} {:?}", t.complete("car"), t.complete("do"), t.complete("z"));
}
