impl<T: Clone> Stack<T> {
    fn new() -> Self {
        Stack { items: Vec::new() }
    }
    fn push(&mut self, item: T) {
        self.items.push(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.items.pop()
    }
    fn peek(&self) -> Option<&T> {
        self.items.last()
    }
    fn len(&self) -> usize {
        self.items.len()
    }
    fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

#[derive(Debug)]
struct Stack<T> {
    items: Vec<T>,
}

fn balanced(text: &str) -> bool {
    let mut stack = Stack::new();
    for c in text.chars() {
        match c {
            '(' | '[' | '{' => stack.push(c),
            ')' | ']' | '}' => {
                let want = matching(c);
                if stack.pop() != Some(want) {
                    return false;
                }
            }
            _ => {}
        }
    }
    stack.is_empty()
}

fn matching(close: char) -> char {
    match close {
        ')' => '(',
        ']' => '[',
        _ => '{',
    }
}

fn main() {
    let mut s: Stack<String> = Stack::new();
    for w in ["one", "two", "three"] {
        s.push(w.to_string());
    }
    println!("{:?} top={:?} len={}", s, s.peek(), s.len());
    while let Some(w) = s.pop() {
        print!("{} ", w);
    }
    println!();
    for t in ["(a[b]{c})", "(]", "((", "{[()()]}"] {
        println!("{} {}", t, balanced(t));
    }
}
