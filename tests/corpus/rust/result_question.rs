use std::error::Error;
use std::fmt;

fn parse_config(text: &str) -> Result<Config, ConfigError> {
    let mut cfg = Config::default();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line.split_once('=').ok_or(ConfigError::Syntax(n + 1))?;
        match key.trim() {
            "port" => cfg.port = value.trim().parse().map_err(|_| ConfigError::BadValue(key.trim().into()))?,
            "host" => cfg.host = value.trim().to_string(),
            other => return Err(ConfigError::UnknownKey(other.to_string())),
        }
    }
    Ok(cfg)
}

#[derive(Debug, Default)]
struct Config {
    host: String,
    port: u16,
}

#[derive(Debug)]
enum ConfigError {
    Syntax(usize),
    BadValue(String),
    UnknownKey(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            ConfigError::Syntax(line) => write!(f, "syntax error on line {}", line),
            ConfigError::BadValue(k) => write!(f, "bad value for {}", k),
            ConfigError::UnknownKey(k) => write!(f, "unknown key {}", k),
        }
    }
}

impl Error for ConfigError {}

fn main() -> Result<(), Box<dyn Error>> {
    let cfg = parse_config("# server\nhost = example.org\nport = 8080\n")?;
    println!("{:?}", cfg);
    for bad in ["port = lots", "colour = red", "oops"] {
        match parse_config(bad) {
            Ok(c) => println!("ok {:?}", c),
            Err(e) => println!("error: {}", e),
        }
    }
    let n: i32 = "42".parse()?;
    println!("{}", n + 1);
    Ok(())
}
