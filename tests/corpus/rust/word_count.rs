use std::collections::HashMap;

const TEXT: &str = "It was the best of times, it was the worst of times,
it was the age of wisdom, it was the age of foolishness";

fn main() {
    let counts = count_words(TEXT);
    for (word, n) in top(&counts, 5) {
        println!("{:<8} {}", word, n);
    }
    println!("{} distinct words", counts.len());
}

fn count_words(text: &str) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for word in text.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()) {
        *counts.entry(word.to_lowercase()).or_insert(0) += 1;
    }
    counts
}

fn top(counts: &HashMap<String, usize>, n: usize) -> Vec<(&str, usize)> {
    let mut v: Vec<(&str, usize)> = counts.iter().map(|(w, &c)| (w.as_str(), c)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    v.truncate(n);
    v
}
