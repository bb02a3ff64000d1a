pub fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

pub fn lcm(a: u64, b: u64) -> u64 {
    a / gcd(a, b) * b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gcd_works() {
        assert_eq!(gcd(12, 18), 6);
    }

    #[test]
    fn lcm_works() {
        assert_eq!(lcm(4, 6), 12);
    }
}

#[cfg(test)]
fn test_only_helper() -> u64 {
    999
}

#[cfg(not(test))]
fn test_only_helper() -> u64 {
    0
}

fn main() {
    println!("{} {} {}", gcd(48, 180), lcm(21, 6), test_only_helper());
    let fractions = [(6, 8), (10, 25), (7, 13)];
    for (n, d) in fractions {
        let g = gcd(n, d);
        println!("{}/{} = {}/{}", n, d, n / g, d / g);
    }
}
