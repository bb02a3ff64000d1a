fn sum_of_squares(limit: u32) -> u32 {
    Counter::new(limit).map(|x| x * x).sum()
}

fn pairs() -> Vec<(u32, u32)> {
    Counter::new(5).zip(Counter::new(5).skip(1)).filter(|(a, b)| (a * b) % 3 == 0).collect()
}

struct Counter {
    count: u32,
    limit: u32,
}

impl Counter {
    fn new(limit: u32) -> Counter {
        Counter { count: 0, limit }
    }
}

impl Iterator for Counter {
    type Item = u32;

    fn next(&mut self) -> Option<Self::Item> {
        if self.count < self.limit {
            self.count += 1;
            Some(self.count)
        } else {
            None
        }
    }
}

struct Fibonacci {
    curr: u64,
    next: u64,
}

impl Iterator for Fibonacci {
    type Item = u64;
    fn next(&mut self) -> Option<u64> {
        let r = self.curr;
        self.curr = self.next;
        self.next += r;
        Some(r)
    }
}

fn fibonacci() -> Fibonacci {
    Fibonacci { curr: 0, next: 1 }
}

fn main() {
    println!("{}", sum_of_squares(10));
    println!("{:?}", pairs());
    let evens: Vec<u64> = fibonacci().filter(|x| x % 2 == 0).take_while(|&x| x < 1000).collect();
    println!("{:?}", evens);
    println!("{:?}", fibonacci().skip(10).step_by(5).take(3).collect::<Vec<_>>());
}
