use std::collections::BTreeMap;
use std::fmt;

fn sample() -> Value {
    let mut inner = BTreeMap::new();
    inner.insert("tags".to_string(), Value::Array(vec![Value::Str("a".into()), Value::Str("b\"c".into())]));
    inner.insert("ok".to_string(), Value::Bool(true));
    let mut top = BTreeMap::new();
    top.insert("name".to_string(), Value::Str("widget".into()));
    top.insert("price".to_string(), Value::Number(9.5));
    top.insert("meta".to_string(), Value::Object(inner));
    top.insert("none".to_string(), Value::Null);
    Value::Object(top)
}

#[derive(Debug, Clone, PartialEq)]
enum Value {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    Array(Vec<Value>),
    Object(BTreeMap<String, Value>),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Value::Null => write!(f, "null"),
            Value::Bool(b) => write!(f, "{}", b),
            Value::Number(n) => write!(f, "{}", n),
            Value::Str(s) => write!(f, "\"{}\"", s.replace('"', "\\\"")),
            Value::Array(items) => {
                let parts: Vec<String> = items.iter().map(|v| v.to_string()).collect();
                write!(f, "[{}]", parts.join(","))
            }
            Value::Object(map) => {
                let parts: Vec<String> = map.iter().map(|(k, v)| format!("\"{}\":{}", k, v)).collect();
                write!(f, "{{{}}}", parts.join(","))
            }
        }
    }
}

impl Value {
    fn depth(&self) -> usize {
        match self {
            Value::Array(items) => 1 + items.iter().map(Value::depth).max().unwrap_or(0),
            Value::Object(map) => 1 + map.values().map(Value::depth).max().unwrap_or(0),
            _ => 0,
        }
    }
}

fn main() {
    let v = sample();
    println!("{}", v);
    println!("depth {}", v.depth());
}
