use crate::shop::inventory::{self, Item};
use crate::shop::pricing::with_tax;

fn checkout(items: &[Item]) -> u32 {
    items.iter().map(|i| with_tax(i.cents)).sum()
}

mod shop {
    pub mod inventory {
        #[derive(Debug)]
        pub struct Item {
            pub name: String,
            pub cents: u32,
        }

        pub fn item(name: &str, cents: u32) -> Item {
            Item { name: name.to_string(), cents }
        }

        pub(crate) fn restock_note(i: &Item) -> String {
            format!("restock {} ({})", i.name, super::pricing::format_cents(i.cents))
        }
    }

    pub mod pricing {
        const TAX_PERCENT: u32 = 8;

        pub fn with_tax(cents: u32) -> u32 {
            cents + cents * TAX_PERCENT / 100
        }

        pub fn format_cents(c: u32) -> String {
            format!("${}.{:02}", c / 100, c % 100)
        }
    }
}

fn main() {
    let items = vec![inventory::item("soap", 250), inventory::item("bread", 399)];
    let total = checkout(&items);
    println!("{} -> {}", items.len(), shop::pricing::format_cents(total));
    for i in &items {
        println!("{}", inventory::restock_note(i));
    }
    println!("{:?}", items[0]);
}
