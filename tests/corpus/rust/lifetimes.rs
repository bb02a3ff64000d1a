fn longest<'a>(x: &'a str, y: &'a str) -> &'a str {
    if x.len() >= y.len() {
        x
    } else {
        y
    }
}

fn first_sentence(text: &str) -> Excerpt<'_> {
    let part = text.split('.').next().unwrap_or("");
    Excerpt { part: part.trim() }
}

struct Excerpt<'a> {
    part: &'a str,
}

impl<'a> Excerpt<'a> {
    fn level(&self) -> usize {
        self.part.split_whitespace().count()
    }

    fn announce(&self, announcement: &str) -> &'a str {
        println!("Attention please: {}", announcement);
        self.part
    }
}

struct Words<'t> {
    rest: &'t str,
}

impl<'t> Iterator for Words<'t> {
    type Item = &'t str;
    fn next(&mut self) -> Option<&'t str> {
        let s = self.rest.trim_start();
        if s.is_empty() {
            return None;
        }
        let end = s.find(' ').unwrap_or(s.len());
        let (w, r) = s.split_at(end);
        self.rest = r;
        Some(w)
    }
}

fn main() {
    let novel = String::from("Call me Ishmael. Some years ago...");
    let e = first_sentence(&novel);
    println!("{} ({} words)", e.announce("an excerpt"), e.level());
    println!("{}", longest("short", "a little longer"));
    println!("{:?}", Words { rest: "  one two   three " }.collect::<Vec<_>>());
}
