fn introduce<A: Animal>(a: &A) -> String {
    format!("{} the {} says {} ({} legs)", a.name(), A::SPECIES, a.sound(), A::LEGS)
}

fn chorus(animals: &[&dyn Speaker]) -> String {
    animals.iter().map(|a| a.speak()).collect::<Vec<_>>().join(" ")
}

trait Animal {
    const SPECIES: &'static str;
    const LEGS: u32 = 4;
    fn name(&self) -> &str;
    fn sound(&self) -> &'static str;
}

trait Speaker {
    fn speak(&self) -> String;
}

impl<T: Animal> Speaker for T {
    fn speak(&self) -> String {
        self.sound().to_uppercase()
    }
}

struct Dog {
    name: String,
}

struct Bird;

impl Animal for Dog {
    const SPECIES: &'static str = "dog";
    fn name(&self) -> &str {
        &self.name
    }
    fn sound(&self) -> &'static str {
        "woof"
    }
}

impl Animal for Bird {
    const SPECIES: &'static str = "bird";
    const LEGS: u32 = 2;
    fn name(&self) -> &str {
        "Tweety"
    }
    fn sound(&self) -> &'static str {
        "tweet"
    }
}

fn main() {
    let rex = Dog { name: "Rex".into() };
    println!("{}", introduce(&rex));
    println!("{}", introduce(&Bird));
    println!("{}", chorus(&[&rex, &Bird, &rex]));
}
