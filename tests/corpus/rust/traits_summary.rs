fn notify(item: &impl Summary) -> String {
    format!("Breaking news! {}", item.summarize())
}

fn longest_summary<T: Summary, U: Summary>(a: &T, b: &U) -> String {
    let (x, y) = (a.summarize(), b.summarize());
    if x.len() >= y.len() {
        x
    } else {
        y
    }
}

pub trait Summary {
    fn summarize_author(&self) -> String;

    fn summarize(&self) -> String {
        format!("(Read more from {}...)", self.summarize_author())
    }
}

pub struct Tweet {
    pub username: String,
    pub content: String,
    pub retweets: u32,
}

impl Summary for Tweet {
    fn summarize_author(&self) -> String {
        format!("@{}", self.username)
    }
}

pub struct Article {
    pub headline: String,
    pub author: String,
}

impl Summary for Article {
    fn summarize_author(&self) -> String {
        self.author.clone()
    }
    fn summarize(&self) -> String {
        format!("{}, by {}", self.headline, self.author)
    }
}

fn main() {
    let tweet = Tweet { username: "horse_ebooks".into(), content: "of course".into(), retweets: 3 };
    let article = Article { headline: "Penguins win the Stanley Cup".into(), author: "Iceburgh".into() };
    println!("{}", notify(&tweet));
    println!("{}", notify(&article));
    println!("{}", longest_summary(&tweet, &article));
    println!("{} {}", tweet.content, tweet.retweets);
}
