fn make_adder(n: i32) -> impl Fn(i32) -> i32 {
    move |x| x + n
}

fn make_counter() -> impl FnMut() -> u32 {
    let mut count = 0;
    move || {
        count += 1;
        count
    }
}

fn apply_twice<F: Fn(i32) -> i32>(f: F, x: i32) -> i32 {
    f(f(x))
}

fn compose<A, B, C>(f: impl Fn(A) -> B, g: impl Fn(B) -> C) -> impl Fn(A) -> C {
    move |x| g(f(x))
}

fn consume_once<F: FnOnce() -> String>(f: F) -> String {
    f()
}

fn main() {
    let add5 = make_adder(5);
    println!("{} {}", add5(1), apply_twice(&add5, 10));
    let mut next = make_counter();
    println!("{} {} {}", next(), next(), next());
    let shout = compose(|s: &str| s.to_uppercase(), |s: String| s + "!");
    println!("{}", shout("hello"));
    let owned = String::from("moved into the closure");
    println!("{}", consume_once(move || owned));
    let mut v = vec![5, 3, 8, 1];
    let mut comparisons = 0;
    v.sort_by(|a, b| {
        comparisons += 1;
        a.cmp(b)
    });
    println!("{:?} sorted with {} comparisons", v, comparisons > 0);
}
