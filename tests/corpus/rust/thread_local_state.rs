use std::cell::{Cell, RefCell};

thread_local! {
    static CALLS: Cell<u32> = Cell::new(0);
    static LOG: RefCell<Vec<String>> = RefCell::new(Vec::new());
}

fn record(event: &str) {
    CALLS.with(|c| c.set(c.get() + 1));
    LOG.with(|l| l.borrow_mut().push(format!("{}:{}", calls(), event)));
}

fn calls() -> u32 {
    CALLS.with(|c| c.get())
}

fn fib(n: u32) -> u64 {
    record("fib");
    if n < 2 {
        n as u64
    } else {
        fib(n - 1) + fib(n - 2)
    }
}

fn main() {
    println!("fib(10) = {} in {} calls", fib(10), calls());
    record("done");
    LOG.with(|l| {
        let l = l.borrow();
        println!("{} entries, last {:?}", l.len(), l.last());
    });
    let other = std::thread::spawn(|| {
        record("other thread");
        calls()
    })
    .join()
    .unwrap();
    println!("other thread saw {} call(s), main {}", other, calls());
}
