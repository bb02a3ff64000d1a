use std::collections::{HashMap, VecDeque};

fn demo() -> Vec<String> {
    let mut cache = Lru::new(2);
    let mut log = Vec::new();
    cache.put("a", 1);
    cache.put("b", 2);
    log.push(format!("{:?}", cache.get(&"a")));
    cache.put("c", 3);
    log.push(format!("{:?} {:?} {:?}", cache.get(&"a"), cache.get(&"b"), cache.get(&"c")));
    cache.put("a", 10);
    log.push(format!("{:?} order {:?}", cache.get(&"a"), cache.order));
    log
}

struct Lru<K, V> {
    capacity: usize,
    map: HashMap<K, V>,
    order: VecDeque<K>,
}

impl<K: std::hash::Hash + Eq + Clone, V: Copy> Lru<K, V> {
    fn new(capacity: usize) -> Self {
        Lru { capacity, map: HashMap::new(), order: VecDeque::new() }
    }

    fn touch(&mut self, k: &K) {
        if let Some(pos) = self.order.iter().position(|x| x == k) {
            let key = self.order.remove(pos).unwrap();
            self.order.push_back(key);
        }
    }

    fn get(&mut self, k: &K) -> Option<V> {
        let v = *self.map.get(k)?;
        self.touch(k);
        Some(v)
    }

    fn put(&mut self, k: K, v: V) {
        if self.map.insert(k.clone(), v).is_some() {
            self.touch(&k);
            return;
        }
        self.order.push_back(k);
        if self.order.len() > self.capacity {
            if let Some(old) = self.order.pop_front() {
                self.map.remove(&old);
            }
        }
    }
}

fn main() {
    for line in demo() {
        println!("{}", line);
    }
}
