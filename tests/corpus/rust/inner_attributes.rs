#![allow(dead_code)]
#![allow(clippy::needless_return)]
//! A crate-level doc comment, and attributes that apply to the whole crate.

/// Kelvin, never below zero.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Kelvin(f64);

impl Kelvin {
    pub fn new(k: f64) -> Option<Kelvin> {
        if k >= 0.0 {
            Some(Kelvin(k))
        } else {
            None
        }
    }

    pub fn celsius(self) -> f64 {
        return self.0 - 273.15;
    }
}

fn unused_helper() -> u8 {
    0
}

fn main() {
    let temps = [300.0, 0.0, -5.0, 373.15];
    for t in temps {
        match Kelvin::new(t) {
            Some(k) => println!("{:?} is {:.2} C", k, k.celsius()),
            None => println!("{} is impossible", t),
        }
    }
}
