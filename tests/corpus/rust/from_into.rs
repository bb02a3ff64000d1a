fn total_distance(legs: &[Meters]) -> Kilometers {
    let m: f64 = legs.iter().map(|l| l.0).sum();
    Meters(m).into()
}

fn parse_color(s: &str) -> Color {
    Color::from(s)
}

#[derive(Debug, Clone, Copy)]
struct Meters(f64);

#[derive(Debug, Clone, Copy)]
struct Kilometers(f64);

impl From<Meters> for Kilometers {
    fn from(m: Meters) -> Self {
        Kilometers(m.0 / 1000.0)
    }
}

impl From<Kilometers> for Meters {
    fn from(k: Kilometers) -> Self {
        Meters(k.0 * 1000.0)
    }
}

#[derive(Debug, PartialEq)]
enum Color {
    Rgb(u8, u8, u8),
    Named(String),
}

impl From<&str> for Color {
    fn from(s: &str) -> Self {
        match s.strip_prefix('#') {
            Some(hex) if hex.len() == 6 => {
                let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0);
                Color::Rgb(byte(0), byte(2), byte(4))
            }
            _ => Color::Named(s.to_string()),
        }
    }
}

fn main() {
    println!("{:?}", total_distance(&[Meters(1200.0), Meters(800.0), Meters(2500.0)]));
    let back: Meters = Kilometers(1.5).into();
    println!("{:?}", back);
    println!("{:?} {:?}", parse_color("#ff8000"), parse_color("teal"));
    let n: i64 = i64::from(7u32) + i64::from(true);
    println!("{}", n);
}
