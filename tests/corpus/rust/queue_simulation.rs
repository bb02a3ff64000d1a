use std::collections::VecDeque;

fn simulate(arrivals: &[(u32, &str, u32)], tellers: usize) -> Vec<String> {
    let mut queue: VecDeque<Customer> = VecDeque::new();
    let mut busy: Vec<Option<(Customer, u32)>> = vec![None; tellers];
    let mut log = Vec::new();
    let mut pending = arrivals.iter().peekable();
    for t in 0..20 {
        while let Some(&&(at, name, work)) = pending.peek() {
            if at != t {
                break;
            }
            queue.push_back(Customer { name: name.to_string(), work });
            pending.next();
        }
        for (i, slot) in busy.iter_mut().enumerate() {
            if let Some((c, done)) = slot {
                if *done == t {
                    log.push(format!("t={} teller {} finished {}", t, i, c.name));
                    *slot = None;
                }
            }
            if slot.is_none() {
                if let Some(c) = queue.pop_front() {
                    let done = t + c.work;
                    log.push(format!("t={} teller {} serves {}", t, i, c.name));
                    *slot = Some((c, done));
                }
            }
        }
    }
    log
}

#[derive(Clone, Debug)]
struct Customer {
    name: String,
    work: u32,
}

fn main() {
    let arrivals = [(0, "ann", 3), (0, "bo", 2), (1, "cy", 4), (2, "di", 1), (5, "ed", 2)];
    for line in simulate(&arrivals, 2) {
        println!("{}", line);
    }
}
