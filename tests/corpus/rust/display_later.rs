use std::fmt;

// These use the Display and Debug of types whose impls come further down.
fn banner(p: &Product) -> String {
    format!("*** {} ***", p)
}

fn receipt(items: &[(Product, u32)]) -> String {
    let mut out = String::new();
    for (p, qty) in items {
        out += &format!("{:>3} x {}\n", qty, p);
    }
    let total: Price = items.iter().map(|(p, q)| p.price * *q).sum();
    out += &format!("total {}", total);
    out
}

struct Product {
    name: &'static str,
    price: Price,
}

#[derive(Clone, Copy)]
struct Price(u32);

impl fmt::Display for Product {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{} @ {}", self.name, self.price)
    }
}

impl fmt::Display for Price {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "${}.{:02}", self.0 / 100, self.0 % 100)
    }
}

impl std::ops::Mul<u32> for Price {
    type Output = Price;
    fn mul(self, k: u32) -> Price {
        Price(self.0 * k)
    }
}

impl std::iter::Sum for Price {
    fn sum<I: Iterator<Item = Price>>(iter: I) -> Price {
        Price(iter.map(|p| p.0).sum())
    }
}

fn main() {
    let tea = Product { name: "tea", price: Price(350) };
    let cake = Product { name: "cake", price: Price(425) };
    println!("{}", banner(&tea));
    println!("{}", receipt(&[(tea, 2), (cake, 1)]));
}
