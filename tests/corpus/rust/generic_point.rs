fn largest<T: PartialOrd + Copy>(list: &[T]) -> T {
    let mut largest = list[0];
    for &item in list {
        if item > largest {
            largest = item;
        }
    }
    largest
}

#[derive(Debug, Clone, Copy)]
struct Point<T> {
    x: T,
    y: T,
}

impl<T: Copy> Point<T> {
    fn x(&self) -> T {
        self.x
    }
    fn swap(self) -> Point<T> {
        Point { x: self.y, y: self.x }
    }
}

impl Point<f64> {
    fn distance_from_origin(&self) -> f64 {
        (self.x.powi(2) + self.y.powi(2)).sqrt()
    }
}

struct Pair<A, B> {
    a: A,
    b: B,
}

impl<A: std::fmt::Debug, B: std::fmt::Debug> Pair<A, B> {
    fn mixup<C, D>(self, other: Pair<C, D>) -> Pair<A, D> {
        Pair { a: self.a, b: other.b }
    }
}

fn main() {
    println!("{} {} {}", largest(&[34, 50, 25, 100, 65]), largest(&['y', 'm', 'a', 'q']), largest(&[1.5, -2.0]));
    let p = Point { x: 5, y: 10 };
    let f = Point { x: 3.0, y: 4.0 };
    println!("{} {:?} {}", p.x(), p.swap(), f.distance_from_origin());
    let m = Pair { a: 5, b: 10.4 }.mixup(Pair { a: "Hello", b: 'c' });
    println!("{} {}", m.a, m.b);
}
