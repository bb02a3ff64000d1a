fn run(events: &[Event]) -> Vec<(Door, Event, Door)> {
    let mut door = Door::Closed;
    let mut trace = Vec::new();
    for &e in events {
        let next = door.on(e);
        trace.push((door, e, next));
        door = next;
    }
    trace
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Door {
    Open,
    Closed,
    Locked,
}

#[derive(Debug, Clone, Copy)]
enum Event {
    Push,
    Pull,
    Lock,
    Unlock,
}

impl Door {
    fn on(self, e: Event) -> Door {
        use Door::*;
        use Event::*;
        match (self, e) {
            (Closed, Push) => Open,
            (Open, Pull) => Closed,
            (Closed, Lock) => Locked,
            (Locked, Unlock) => Closed,
            (state, _) => state,
        }
    }
}

fn main() {
    let events = [Event::Lock, Event::Push, Event::Unlock, Event::Push, Event::Lock, Event::Pull, Event::Lock];
    for (from, e, to) in run(&events) {
        let note = if from == to { " (ignored)" } else { "" };
        println!("{:?} --{:?}--> {:?}{}", from, e, to, note);
    }
}
