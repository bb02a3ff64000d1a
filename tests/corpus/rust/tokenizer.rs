use std::fmt;

fn tokenize(src: &str) -> Vec<Token> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            out.push(Token::Number(chars[start..i].iter().collect::<String>().parse().unwrap()));
        } else if c.is_alphabetic() {
            let start = i;
            while i < chars.len() && chars[i].is_alphanumeric() {
                i += 1;
            }
            out.push(Token::Ident(chars[start..i].iter().collect()));
        } else {
            out.push(match c {
                '+' | '-' | '*' | '/' | '=' => Token::Op(c),
                '(' => Token::LParen,
                ')' => Token::RParen,
                _ => Token::Unknown(c),
            });
            i += 1;
        }
    }
    out
}

#[derive(Debug, PartialEq)]
enum Token {
    Number(i64),
    Ident(String),
    Op(char),
    LParen,
    RParen,
    Unknown(char),
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Token::Number(n) => write!(f, "num({})", n),
            Token::Ident(s) => write!(f, "id({})", s),
            Token::Op(c) => write!(f, "op({})", c),
            Token::LParen => write!(f, "("),
            Token::RParen => write!(f, ")"),
            Token::Unknown(c) => write!(f, "?{}", c),
        }
    }
}

fn main() {
    for src in ["x1 = 42 + y * (3 - z)", "a $ b"] {
        let toks: Vec<String> = tokenize(src).iter().map(|t| t.to_string()).collect();
        println!("{}", toks.join(" "));
    }
    println!("{:?}", tokenize("7")[0] == Token::Number(7));
}
