use std::error::Error;
use std::fmt;

fn run() -> Result<Summary, Box<dyn Error>> {
    let lines = ["3,apples", "5,pears", "2,plums"];
    let mut s = Summary::default();
    for l in lines {
        let (n, fruit) = l.split_once(',').ok_or_else(|| Malformed(l.to_string()))?;
        let n: u32 = n.parse()?;
        s.total += n;
        s.kinds.push(fruit.to_string());
    }
    Ok(s)
}

#[derive(Default, Debug)]
struct Summary {
    total: u32,
    kinds: Vec<String>,
}

#[derive(Debug)]
struct Malformed(String);

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "malformed line {:?}", self.0)
    }
}

impl Error for Malformed {}

fn main() -> Result<(), Box<dyn Error>> {
    let s = run()?;
    println!("{} fruit of {} kinds: {}", s.total, s.kinds.len(), s.kinds.join(", "));
    let e: Box<dyn Error> = Box::new(Malformed("x".into()));
    println!("{}", e);
    Ok(())
}
