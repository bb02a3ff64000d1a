use std::collections::HashMap;
use std::fmt::Debug;
use std::hash::Hash;

fn frequencies<T, I>(items: I) -> Vec<(T, usize)>
where
    T: Hash + Eq + Ord + Clone,
    I: IntoIterator<Item = T>,
{
    let mut map: HashMap<T, usize> = HashMap::new();
    for it in items {
        *map.entry(it).or_default() += 1;
    }
    let mut v: Vec<(T, usize)> = map.into_iter().collect();
    v.sort();
    v
}

fn print_all<T>(label: &str, items: &[T])
where
    T: Debug,
{
    println!("{}: {}", label, items.iter().map(|i| format!("{:?}", i)).collect::<Vec<_>>().join(", "));
}

fn summarize<K, V>(map: &Inventory<K, V>) -> String
where
    K: Debug + Ord,
    V: Copy + Into<f64>,
{
    let mut keys: Vec<&K> = map.stock.keys().collect();
    keys.sort();
    let total: f64 = map.stock.values().map(|&v| v.into()).sum();
    format!("{:?} total={}", keys, total)
}

struct Inventory<K, V> {
    stock: HashMap<K, V>,
}

fn main() {
    print_all("freq", &frequencies("mississippi".chars()));
    print_all("words", &frequencies(vec!["a", "b", "a"]));
    let inv = Inventory { stock: HashMap::from([("pens", 12u32), ("cups", 3), ("caps", 40)]) };
    println!("{}", summarize(&inv));
}
