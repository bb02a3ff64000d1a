fn fill<C: Container>(c: &mut C, items: Vec<C::Item>) -> usize {
    for it in items {
        c.put(it);
    }
    c.size()
}

trait Container {
    type Item;
    fn put(&mut self, item: Self::Item);
    fn take(&mut self) -> Option<Self::Item>;
    fn size(&self) -> usize;
}

struct Fifo<T> {
    items: std::collections::VecDeque<T>,
}

struct Lifo<T> {
    items: Vec<T>,
}

impl<T> Container for Fifo<T> {
    type Item = T;
    fn put(&mut self, item: T) {
        self.items.push_back(item)
    }
    fn take(&mut self) -> Option<T> {
        self.items.pop_front()
    }
    fn size(&self) -> usize {
        self.items.len()
    }
}

impl<T> Container for Lifo<T> {
    type Item = T;
    fn put(&mut self, item: T) {
        self.items.push(item)
    }
    fn take(&mut self) -> Option<T> {
        self.items.pop()
    }
    fn size(&self) -> usize {
        self.items.len()
    }
}

fn drain<C: Container>(c: &mut C) -> Vec<C::Item> {
    std::iter::from_fn(|| c.take()).collect()
}

fn main() {
    let mut q = Fifo { items: Default::default() };
    let mut s = Lifo { items: Vec::new() };
    println!("{} {}", fill(&mut q, vec!['a', 'b', 'c']), fill(&mut s, vec![1, 2, 3]));
    println!("{:?} {:?}", drain(&mut q), drain(&mut s));
}
