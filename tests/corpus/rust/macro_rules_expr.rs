// Macros used inside functions: they must come before the code that uses them.
macro_rules! hashmap {
    ($($k:expr => $v:expr),* $(,)?) => {{
        let mut m = ::std::collections::HashMap::new();
        $( m.insert($k, $v); )*
        m
    }};
}

macro_rules! max_of {
    ($x:expr) => { $x };
    ($x:expr, $($rest:expr),+) => {{
        let a = $x;
        let b = max_of!($($rest),+);
        if a > b { a } else { b }
    }};
}

macro_rules! square_all {
    ($($x:expr),*) => { [$($x * $x),*] };
}

fn capitals() -> Vec<(&'static str, &'static str)> {
    let m = hashmap! { "France" => "Paris", "Japan" => "Tokyo", "Peru" => "Lima" };
    let mut v: Vec<_> = m.into_iter().collect();
    v.sort();
    v
}

fn main() {
    println!("{:?}", capitals());
    println!("{} {}", max_of!(3), max_of!(4, 9, 2, 7));
    println!("{:?}", square_all!(1, 2, 3, 4));
}
