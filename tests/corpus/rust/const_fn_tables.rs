const SQUARES: [u32; 10] = make_squares();
const LOOKUP: [u8; 16] = hex_digits();

const fn make_squares() -> [u32; 10] {
    let mut out = [0u32; 10];
    let mut i = 0;
    while i < 10 {
        out[i] = (i * i) as u32;
        i += 1;
    }
    out
}

const fn hex_digits() -> [u8; 16] {
    let mut out = [0u8; 16];
    let mut i = 0;
    while i < 16 {
        out[i] = if i < 10 { b'0' + i as u8 } else { b'a' + (i - 10) as u8 };
        i += 1;
    }
    out
}

fn to_hex(mut n: u32) -> String {
    if n == 0 {
        return "0".into();
    }
    let mut digits = Vec::new();
    while n > 0 {
        digits.push(LOOKUP[(n % 16) as usize] as char);
        n /= 16;
    }
    digits.iter().rev().collect()
}

fn main() {
    println!("{:?}", SQUARES);
    for n in [0, 255, 4096, 48879] {
        println!("{} {}", n, to_hex(n));
    }
}
