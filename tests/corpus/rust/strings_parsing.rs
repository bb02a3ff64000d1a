fn parse_pairs(s: &str) -> Vec<(String, i64)> {
    s.split(',')
        .filter_map(|part| {
            let (k, v) = part.split_once(':')?;
            Some((k.trim().to_string(), v.trim().parse().ok()?))
        })
        .collect()
}

fn acronym(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == '-')
        .filter_map(|w| w.chars().next())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn is_palindrome(s: &str) -> bool {
    let cleaned: Vec<char> = s.chars().filter(|c| c.is_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect();
    cleaned.iter().eq(cleaned.iter().rev())
}

fn caesar(s: &str, shift: u8) -> String {
    s.chars()
        .map(|c| match c {
            'a'..='z' => ((c as u8 - b'a' + shift) % 26 + b'a') as char,
            'A'..='Z' => ((c as u8 - b'A' + shift) % 26 + b'A') as char,
            _ => c,
        })
        .collect()
}

fn main() {
    println!("{:?}", parse_pairs("a: 1, b :2, bad, c: x, d: -40"));
    println!("{} {}", acronym("portable network graphics"), acronym("as soon as possible"));
    for s in ["A man, a plan, a canal: Panama", "hello"] {
        println!("{:?} {}", s, is_palindrome(s));
    }
    let secret = caesar("Hello, World!", 13);
    println!("{} {}", secret, caesar(&secret, 13));
    let text = "ünïcödé";
    println!("{} bytes, {} chars, upper {}", text.len(), text.chars().count(), text.to_uppercase());
}
