use std::collections::BTreeMap;

fn gradebook(records: &[(&str, &str, u32)]) -> BTreeMap<String, Student> {
    let mut book: BTreeMap<String, Student> = BTreeMap::new();
    for &(name, subject, score) in records {
        book.entry(name.to_string()).or_insert_with(|| Student::new(name)).add(subject, score);
    }
    book
}

struct Student {
    name: String,
    scores: BTreeMap<String, u32>,
}

impl Student {
    fn new(name: &str) -> Self {
        Student { name: name.to_string(), scores: BTreeMap::new() }
    }
    fn add(&mut self, subject: &str, score: u32) {
        self.scores.insert(subject.to_string(), score);
    }
    fn average(&self) -> f64 {
        self.scores.values().sum::<u32>() as f64 / self.scores.len() as f64
    }
    fn letter(&self) -> Grade {
        Grade::from_average(self.average())
    }
}

#[derive(Debug)]
enum Grade {
    A,
    B,
    C,
    F,
}

impl Grade {
    fn from_average(avg: f64) -> Grade {
        match avg {
            a if a >= 90.0 => Grade::A,
            a if a >= 80.0 => Grade::B,
            a if a >= 70.0 => Grade::C,
            _ => Grade::F,
        }
    }
}

fn main() {
    let records = [
        ("maya", "math", 95), ("li", "math", 72), ("maya", "art", 88), ("li", "art", 91),
        ("omar", "math", 55), ("omar", "art", 64), ("li", "music", 80),
    ];
    for (key, s) in gradebook(&records) {
        println!("{:<5} {:?} avg {:.1} {:?}", key, s.scores, s.average(), s.letter());
        assert_eq!(key, s.name);
    }
}
