use std::ops::{Add, Mul, Neg, Sub};

fn centroid(points: &[Vec2]) -> Vec2 {
    let sum = points.iter().fold(Vec2::ZERO, |acc, &p| acc + p);
    sum * (1.0 / points.len() as f64)
}

fn reflect(p: Vec2) -> Vec2 {
    -p
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Vec2 {
    x: f64,
    y: f64,
}

impl Vec2 {
    const ZERO: Vec2 = Vec2 { x: 0.0, y: 0.0 };
    fn dot(self, o: Vec2) -> f64 {
        self.x * o.x + self.y * o.y
    }
}

impl Add for Vec2 {
    type Output = Vec2;
    fn add(self, o: Vec2) -> Vec2 {
        Vec2 { x: self.x + o.x, y: self.y + o.y }
    }
}

impl Sub for Vec2 {
    type Output = Vec2;
    fn sub(self, o: Vec2) -> Vec2 {
        Vec2 { x: self.x - o.x, y: self.y - o.y }
    }
}

impl Mul<f64> for Vec2 {
    type Output = Vec2;
    fn mul(self, k: f64) -> Vec2 {
        Vec2 { x: self.x * k, y: self.y * k }
    }
}

impl Neg for Vec2 {
    type Output = Vec2;
    fn neg(self) -> Vec2 {
        Vec2 { x: -self.x, y: -self.y }
    }
}

fn main() {
    let a = Vec2 { x: 1.0, y: 2.0 };
    let b = Vec2 { x: 3.0, y: -1.0 };
    println!("{:?} {:?} {:?}", a + b, a - b, a * 2.5);
    println!("{} {:?}", a.dot(b), reflect(a));
    println!("{:?}", centroid(&[a, b, Vec2 { x: 2.0, y: 5.0 }]));
    println!("{}", a + Vec2::ZERO == a);
}
