fn process(messages: &[Message]) -> State {
    let mut state = State::default();
    for m in messages {
        state.apply(m);
    }
    state
}

#[derive(Debug)]
enum Message {
    Quit,
    Move { x: i32, y: i32 },
    Write(String),
    ChangeColor(u8, u8, u8),
}

#[derive(Debug, Default)]
struct State {
    position: (i32, i32),
    log: Vec<String>,
    color: (u8, u8, u8),
    quit: bool,
}

impl State {
    fn apply(&mut self, m: &Message) {
        if self.quit {
            return;
        }
        match m {
            Message::Quit => self.quit = true,
            Message::Move { x, y } => {
                self.position.0 += x;
                self.position.1 += y;
            }
            Message::Write(text) => self.log.push(text.clone()),
            Message::ChangeColor(r, g, b) => self.color = (*r, *g, *b),
        }
    }
}

fn main() {
    let msgs = vec![
        Message::Write("hello".to_string()),
        Message::Move { x: 3, y: -2 },
        Message::ChangeColor(255, 128, 0),
        Message::Move { x: 1, y: 1 },
        Message::Quit,
        Message::Write("ignored".to_string()),
    ];
    let s = process(&msgs);
    println!("{:?}", s);
    println!("{:?}", msgs[1]);
}
