use List::{Cons, Nil};

fn sum(list: &List) -> i32 {
    match list {
        Cons(v, rest) => v + sum(rest),
        Nil => 0,
    }
}

fn from_slice(xs: &[i32]) -> List {
    xs.iter().rev().fold(Nil, |acc, &x| Cons(x, Box::new(acc)))
}

#[derive(Debug)]
enum List {
    Cons(i32, Box<List>),
    Nil,
}

impl List {
    fn len(&self) -> usize {
        match self {
            Cons(_, rest) => 1 + rest.len(),
            Nil => 0,
        }
    }

    fn map(&self, f: &dyn Fn(i32) -> i32) -> List {
        match self {
            Cons(v, rest) => Cons(f(*v), Box::new(rest.map(f))),
            Nil => Nil,
        }
    }
}

impl std::fmt::Display for List {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Cons(v, rest) => match **rest {
                Nil => write!(f, "{}", v),
                _ => write!(f, "{} -> {}", v, rest),
            },
            Nil => write!(f, "nil"),
        }
    }
}

fn main() {
    let list = from_slice(&[1, 2, 3, 4]);
    println!("{} (len {}, sum {})", list, list.len(), sum(&list));
    let doubled = list.map(&|x| x * 2);
    println!("{} {:?}", doubled, Cons(1, Box::new(Nil)));
}
