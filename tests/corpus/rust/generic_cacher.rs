fn expensive_square(x: u64) -> u64 {
    x * x
}

fn run_workout(c: &mut Cacher<impl Fn(u64) -> u64>, intensity: u64) -> String {
    if intensity < 25 {
        format!("do {} pushups, then {} situps", c.value(intensity), c.value(intensity))
    } else {
        format!("run for {} minutes", c.value(intensity) / 100)
    }
}

struct Cacher<T>
where
    T: Fn(u64) -> u64,
{
    calculation: T,
    values: std::collections::HashMap<u64, u64>,
    calls: u32,
}

impl<T: Fn(u64) -> u64> Cacher<T> {
    fn new(calculation: T) -> Cacher<T> {
        Cacher { calculation, values: std::collections::HashMap::new(), calls: 0 }
    }

    fn value(&mut self, arg: u64) -> u64 {
        if let Some(&v) = self.values.get(&arg) {
            return v;
        }
        self.calls += 1;
        let v = (self.calculation)(arg);
        self.values.insert(arg, v);
        v
    }
}

fn main() {
    let mut c = Cacher::new(expensive_square);
    println!("{}", run_workout(&mut c, 10));
    println!("{}", run_workout(&mut c, 30));
    println!("{}", run_workout(&mut c, 10));
    println!("calculated {} times", c.calls);
    let mut offset = Cacher::new(|x| x + 1000);
    println!("{} {}", offset.value(1), offset.calls);
}
