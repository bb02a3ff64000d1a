use std::collections::HashMap;

struct Memo {
    cache: HashMap<u64, u128>,
    hits: u32,
}

impl Memo {
    fn new() -> Self {
        Memo { cache: HashMap::new(), hits: 0 }
    }

    fn fib(&mut self, n: u64) -> u128 {
        if n < 2 {
            return n as u128;
        }
        if let Some(&v) = self.cache.get(&n) {
            self.hits += 1;
            return v;
        }
        let v = self.fib(n - 1) + self.fib(n - 2);
        self.cache.insert(n, v);
        v
    }
}

fn fib_iter(n: u64) -> u128 {
    (0..n).fold((0u128, 1u128), |(a, b), _| (b, a + b)).0
}

fn main() {
    let mut m = Memo::new();
    for n in [10, 50, 100, 150] {
        println!("fib({}) = {} {}", n, m.fib(n), m.fib(n) == fib_iter(n));
    }
    println!("{} cached, {} hits", m.cache.len(), m.hits);
}
