fn shout_all(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.shout()).collect()
}

fn stats(xs: &[f64]) -> (f64, f64) {
    (xs.mean(), xs.variance())
}

trait Shout {
    fn shout(&self) -> String;
}

impl Shout for str {
    fn shout(&self) -> String {
        format!("{}!", self.to_uppercase())
    }
}

trait Stats {
    fn mean(&self) -> f64;
    fn variance(&self) -> f64;
}

impl Stats for [f64] {
    fn mean(&self) -> f64 {
        self.iter().sum::<f64>() / self.len() as f64
    }
    fn variance(&self) -> f64 {
        let m = self.mean();
        self.iter().map(|x| (x - m).powi(2)).sum::<f64>() / self.len() as f64
    }
}

fn main() {
    println!("{:?}", shout_all(&["hello", "rust"]));
    println!("{:?}", stats(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]));
}
