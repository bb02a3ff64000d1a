use std::collections::HashMap;

fn find_user<'a>(db: &'a Directory, name: &str) -> Option<&'a User> {
    db.users.iter().find(|u| u.name == name)
}

fn manager_email(db: &Directory, name: &str) -> Option<String> {
    find_user(db, name)
        .and_then(|u| u.manager.as_deref())
        .and_then(|m| find_user(db, m))
        .map(|m| m.email.to_lowercase())
}

struct Directory {
    users: Vec<User>,
}

struct User {
    name: String,
    email: String,
    manager: Option<String>,
}

fn user(name: &str, email: &str, manager: Option<&str>) -> User {
    User { name: name.into(), email: email.into(), manager: manager.map(String::from) }
}

fn main() {
    let db = Directory {
        users: vec![
            user("ann", "Ann@Example.com", None),
            user("bob", "bob@example.com", Some("ann")),
            user("cid", "cid@example.com", Some("zed")),
        ],
    };
    for n in ["bob", "ann", "cid", "dan"] {
        println!("{} -> {:?}", n, manager_email(&db, n));
    }
    let ages: HashMap<&str, u32> = [("ann", 41), ("bob", 29)].into_iter().collect();
    let total: u32 = ["ann", "bob", "cid"].iter().filter_map(|n| ages.get(n)).sum();
    println!("{} {}", total, ages.get("cid").copied().unwrap_or_default());
    println!("{:?}", Some(4).filter(|x| x % 2 == 0).xor(None::<i32>));
}
