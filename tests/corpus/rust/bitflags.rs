use std::fmt;
use std::ops::{BitAnd, BitOr};

fn describe_user(name: &str, p: Perms) -> String {
    format!("{:<6} {:<22} admin={}", name, p, p.contains(Perms::ADMIN))
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct Perms(u8);

impl Perms {
    const NONE: Perms = Perms(0);
    const READ: Perms = Perms(1);
    const WRITE: Perms = Perms(2);
    const EXEC: Perms = Perms(4);
    const ADMIN: Perms = Perms(8);
    const ALL: [(Perms, &'static str); 4] =
        [(Perms::READ, "read"), (Perms::WRITE, "write"), (Perms::EXEC, "exec"), (Perms::ADMIN, "admin")];

    fn contains(self, other: Perms) -> bool {
        self & other == other
    }
}

impl BitOr for Perms {
    type Output = Perms;
    fn bitor(self, o: Perms) -> Perms {
        Perms(self.0 | o.0)
    }
}

impl BitAnd for Perms {
    type Output = Perms;
    fn bitand(self, o: Perms) -> Perms {
        Perms(self.0 & o.0)
    }
}

impl fmt::Display for Perms {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        if *self == Perms::NONE {
            return write!(f, "none");
        }
        let names: Vec<&str> = Perms::ALL.iter().filter(|(p, _)| self.contains(*p)).map(|(_, n)| *n).collect();
        write!(f, "{}", names.join("|"))
    }
}

fn main() {
    let dev = Perms::READ | Perms::WRITE | Perms::EXEC;
    println!("{}", describe_user("guest", Perms::READ));
    println!("{}", describe_user("dev", dev));
    println!("{}", describe_user("root", dev | Perms::ADMIN));
    println!("{}", describe_user("nobody", Perms::NONE));
    println!("{:08b}", (dev & Perms::WRITE).0);
}
