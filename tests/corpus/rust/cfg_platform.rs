// Items for other configurations sit beside the ones that apply.
#[cfg(target_os = "linux")]
fn platform() -> &'static str {
    "linux"
}

#[cfg(not(target_os = "linux"))]
fn platform() -> &'static str {
    "not linux"
}

#[cfg(debug_assertions)]
const BUILD: &str = "debug";

#[cfg(not(debug_assertions))]
const BUILD: &str = "release";

#[cfg(target_pointer_width = "64")]
type Word = u64;

#[cfg(not(target_pointer_width = "64"))]
type Word = u32;

fn describe() -> String {
    format!("{} {} build, words of {} bits", platform(), BUILD, std::mem::size_of::<Word>() * 8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_itself() {
        assert!(describe().contains(BUILD));
    }
}

fn main() {
    println!("{}", describe());
    if cfg!(unix) {
        println!("unix family");
    }
}
