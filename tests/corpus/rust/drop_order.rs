fn scope_demo() {
    let _a = Noisy::new("a");
    {
        let _b = Noisy::new("b");
        println!("inner scope ends");
    }
    let c = Noisy::new("c");
    drop(c);
    let _d = Noisy::new("d");
    println!("outer scope ends");
}

struct Noisy {
    name: &'static str,
}

impl Noisy {
    fn new(name: &'static str) -> Noisy {
        println!("create {}", name);
        Noisy { name }
    }
}

impl Drop for Noisy {
    fn drop(&mut self) {
        println!("drop {}", self.name);
    }
}

struct Guard<'a> {
    log: &'a mut Vec<String>,
}

impl Drop for Guard<'_> {
    fn drop(&mut self) {
        self.log.push("guard released".into());
    }
}

fn main() {
    scope_demo();
    let mut log = Vec::new();
    {
        let g = Guard { log: &mut log };
        g.log.push("working".into());
    }
    println!("{:?}", log);
    let v = vec![Noisy::new("x"), Noisy::new("y")];
    println!("vector of {}", v.len());
}
