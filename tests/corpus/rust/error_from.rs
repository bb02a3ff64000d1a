use std::fmt;
use std::num::ParseIntError;

fn parse_and_double(s: &str) -> Result<i32, AppError> {
    let n: i32 = s.trim().parse()?;
    if n < 0 {
        return Err(AppError::Negative(n));
    }
    Ok(n.checked_mul(2).ok_or(AppError::Overflow)?)
}

fn sum_all(items: &[&str]) -> Result<i32, AppError> {
    let mut total = 0;
    for s in items {
        total += parse_and_double(s)?;
    }
    Ok(total)
}

#[derive(Debug)]
enum AppError {
    Parse(ParseIntError),
    Negative(i32),
    Overflow,
}

impl From<ParseIntError> for AppError {
    fn from(e: ParseIntError) -> Self {
        AppError::Parse(e)
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            AppError::Parse(e) => write!(f, "could not parse: {}", e),
            AppError::Negative(n) => write!(f, "{} is negative", n),
            AppError::Overflow => write!(f, "overflow"),
        }
    }
}

fn main() {
    for input in [vec!["1", " 2 ", "3"], vec!["4", "x"], vec!["-7"], vec!["2000000000"]] {
        match sum_all(&input) {
            Ok(v) => println!("{:?} -> {}", input, v),
            Err(e) => println!("{:?} -> error: {}", input, e),
        }
    }
}
