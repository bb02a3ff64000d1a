use std::fmt;

fn report(readings: &[(&str, Celsius)]) {
    for (city, c) in readings {
        let f: Fahrenheit = (*c).into();
        println!("{:<6} {} = {}", city, c, f);
    }
}

fn warmest<'a>(readings: &'a [(&'a str, Celsius)]) -> &'a str {
    readings.iter().max_by(|a, b| a.1 .0.total_cmp(&b.1 .0)).map(|r| r.0).unwrap_or("")
}

#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
struct Celsius(f64);

#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
struct Fahrenheit(f64);

impl From<Celsius> for Fahrenheit {
    fn from(c: Celsius) -> Self {
        Fahrenheit(c.0 * 9.0 / 5.0 + 32.0)
    }
}

impl From<Fahrenheit> for Celsius {
    fn from(f: Fahrenheit) -> Self {
        Celsius((f.0 - 32.0) * 5.0 / 9.0)
    }
}

impl fmt::Display for Celsius {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{:.1}°C", self.0)
    }
}

impl fmt::Display for Fahrenheit {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{:.1}°F", self.0)
    }
}

fn main() {
    let readings = [("Oslo", Celsius(-3.5)), ("Cairo", Celsius(31.2)), ("Quito", Celsius(18.0))];
    report(&readings);
    println!("warmest: {}", warmest(&readings));
    let body: Celsius = Fahrenheit(98.6).into();
    println!("{} {}", body, Celsius(100.0) > Celsius(99.9));
}
