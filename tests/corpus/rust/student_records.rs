fn top_students(students: &[Student], n: usize) -> Vec<&Student> {
    let mut sorted: Vec<&Student> = students.iter().collect();
    sorted.sort_by(|a, b| b.average().total_cmp(&a.average()).then_with(|| a.name.cmp(&b.name)));
    sorted.into_iter().take(n).collect()
}

fn class_average(students: &[Student]) -> f64 {
    students.iter().map(Student::average).sum::<f64>() / students.len() as f64
}

#[derive(Debug)]
struct Student {
    name: String,
    marks: Vec<u32>,
}

impl Student {
    fn new(name: &str, marks: &[u32]) -> Student {
        Student { name: name.to_string(), marks: marks.to_vec() }
    }

    fn average(&self) -> f64 {
        if self.marks.is_empty() {
            return 0.0;
        }
        self.marks.iter().sum::<u32>() as f64 / self.marks.len() as f64
    }

    fn best(&self) -> Option<u32> {
        self.marks.iter().copied().max()
    }
}

fn main() {
    let students = vec![
        Student::new("Ana", &[88, 92, 79]),
        Student::new("Ben", &[95, 85, 91]),
        Student::new("Cat", &[70, 65, 80]),
        Student::new("Dev", &[]),
    ];
    for s in top_students(&students, 3) {
        println!("{:<4} {:.2} best {:?}", s.name, s.average(), s.best());
    }
    println!("class {:.3}", class_average(&students));
}
