// Macros that make items: getters, and one trait impl per type.
macro_rules! newtype {
    ($name:ident, $inner:ty) => {
        #[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
        struct $name($inner);
    };
}

macro_rules! impl_unit {
    ($($t:ident => $suffix:expr),* $(,)?) => {
        $(
            impl Unit for $t {
                fn suffix(&self) -> &'static str { $suffix }
                fn value(&self) -> f64 { self.0 as f64 }
            }
        )*
    };
}

trait Unit {
    fn suffix(&self) -> &'static str;
    fn value(&self) -> f64;
    fn show(&self) -> String {
        format!("{}{}", self.value(), self.suffix())
    }
}

newtype!(Meters, f64);
newtype!(Seconds, u32);
newtype!(Grams, i64);

impl_unit!(Meters => "m", Seconds => "s", Grams => "g");

fn main() {
    let things: Vec<Box<dyn Unit>> = vec![Box::new(Meters(3.5)), Box::new(Seconds(90)), Box::new(Grams(-2))];
    for t in &things {
        println!("{}", t.show());
    }
    println!("{:?} {}", Meters(1.0), Seconds(3) < Seconds(4));
}
