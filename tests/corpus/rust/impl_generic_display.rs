use std::fmt::{self, Display};

fn render_all<T: Display>(items: &[Wrapper<T>]) -> String {
    items.iter().map(|w| w.to_string()).collect::<Vec<_>>().join(" ")
}

struct Wrapper<T> {
    inner: T,
    label: &'static str,
}

impl<T: Display> Display for Wrapper<T> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "[{}: {}]", self.label, self.inner)
    }
}

trait Describe {
    fn describe(&self) -> String;
}

impl<T: Display> Describe for Vec<T> {
    fn describe(&self) -> String {
        format!("{} items, first {}", self.len(), self.first().map(|x| x.to_string()).unwrap_or_default())
    }
}

impl Describe for i32 {
    fn describe(&self) -> String {
        format!("the number {}", self)
    }
}

fn main() {
    println!("{}", render_all(&[Wrapper { inner: 1, label: "a" }, Wrapper { inner: 22, label: "b" }]));
    println!("{}", render_all(&[Wrapper { inner: "x", label: "s" }]));
    println!("{} / {}", vec![3.5, 1.0].describe(), 7.describe());
}
