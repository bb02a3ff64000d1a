use geometry::shapes::{Circle, Square};
use geometry::{distance, Point};

fn report(p: &Point, q: &Point) {
    println!("distance from {:?} to {:?} is {:.3}", p, q, distance(p, q));
}

mod geometry {
    #[derive(Debug, Clone, Copy)]
    pub struct Point {
        pub x: f64,
        pub y: f64,
    }

    pub fn distance(a: &Point, b: &Point) -> f64 {
        ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()
    }

    pub mod shapes {
        use super::Point;

        pub struct Circle {
            pub center: Point,
            pub radius: f64,
        }

        pub struct Square {
            pub corner: Point,
            pub side: f64,
        }

        impl Circle {
            pub fn area(&self) -> f64 {
                std::f64::consts::PI * self.radius * self.radius
            }
        }

        impl Square {
            pub fn area(&self) -> f64 {
                self.side * self.side
            }
        }
    }
}

fn main() {
    let p = Point { x: 0.0, y: 0.0 };
    let q = Point { x: 3.0, y: 4.0 };
    report(&p, &q);
    let c = Circle { center: q, radius: 2.0 };
    let s = Square { corner: p, side: 3.0 };
    println!("{:.2} {:.2} {:?}", c.area(), s.area(), c.center);
}
