fn describe(xs: &[i32]) -> String {
    match xs {
        [] => "empty".to_string(),
        [x] => format!("one element: {}", x),
        [first, .., last] if first == last => format!("starts and ends with {}", first),
        [first, rest @ ..] => format!("{} then {} more", first, rest.len()),
    }
}

fn classify(n: i64) -> &'static str {
    match n {
        i64::MIN..=-1 => "negative",
        0 => "zero",
        1..=9 => "digit",
        10 | 20 | 30 => "round",
        x if x % 2 == 0 => "even",
        _ => "odd",
    }
}

fn point_kind(p: Point) -> String {
    match p {
        Point { x: 0, y: 0 } => "origin".into(),
        Point { x: 0, y } => format!("on the y axis at {}", y),
        Point { x, y: 0 } => format!("on the x axis at {}", x),
        Point { x: a @ 1..=5, y } => format!("near: x={} y={}", a, y),
        Point { .. } => "far away".into(),
    }
}

#[derive(Clone, Copy)]
struct Point {
    x: i32,
    y: i32,
}

fn main() {
    for xs in [&[][..], &[7], &[1, 2, 1], &[4, 5, 6, 7]] {
        println!("{}", describe(xs));
    }
    let kinds: Vec<_> = [-5, 0, 7, 20, 44, 45].iter().map(|&n| classify(n)).collect();
    println!("{:?}", kinds);
    for p in [Point { x: 0, y: 0 }, Point { x: 0, y: 3 }, Point { x: 2, y: 0 }, Point { x: 4, y: 9 }, Point { x: 9, y: 9 }] {
        println!("{}", point_kind(p));
    }
}
