fn run_all(commands: &[Box<dyn Command>], doc: &mut Document) {
    for c in commands {
        c.execute(doc);
        println!("{:<12} -> {:?}", c.name(), doc.text);
    }
}

trait Command {
    fn name(&self) -> String;
    fn execute(&self, doc: &mut Document);
}

#[derive(Default)]
struct Document {
    text: String,
}

struct Append(String);
struct Uppercase;
struct Replace {
    from: String,
    to: String,
}

impl Command for Append {
    fn name(&self) -> String {
        format!("append {:?}", self.0)
    }
    fn execute(&self, doc: &mut Document) {
        doc.text.push_str(&self.0);
    }
}

impl Command for Uppercase {
    fn name(&self) -> String {
        "uppercase".into()
    }
    fn execute(&self, doc: &mut Document) {
        doc.text = doc.text.to_uppercase();
    }
}

impl Command for Replace {
    fn name(&self) -> String {
        format!("{}->{}", self.from, self.to)
    }
    fn execute(&self, doc: &mut Document) {
        doc.text = doc.text.replace(&self.from, &self.to);
    }
}

fn main() {
    let commands: Vec<Box<dyn Command>> = vec![
        Box::new(Append("hello".into())),
        Box::new(Append(" world".into())),
        Box::new(Replace { from: "o".into(), to: "0".into() }),
        Box::new(Uppercase),
    ];
    let mut doc = Document::default();
    run_all(&commands, &mut doc);
}
