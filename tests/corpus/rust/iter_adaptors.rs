fn main() {
    let words = ["apple", "bob", "kayak", "level", "rust", "noon"];
    let palindromes: Vec<_> = words.iter().filter(|w| is_palindrome(w)).collect();
    println!("{:?}", palindromes);
    let lengths: Vec<usize> = words.iter().map(|w| w.len()).collect();
    println!("{:?} total {}", lengths, lengths.iter().sum::<usize>());
    let pairs: Vec<(usize, char)> = words.iter().enumerate().map(|(i, w)| (i, first_char(w))).collect();
    println!("{:?}", pairs);
    let flat: String = words.iter().flat_map(|w| w.chars().take(2)).collect();
    println!("{}", flat);
    let nums = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];
    println!("{:?}", nums.windows(3).map(|w| w.iter().sum::<i32>()).collect::<Vec<_>>());
    println!("{:?}", nums.chunks(4).map(|c| c.to_vec()).collect::<Vec<_>>());
    let (small, big): (Vec<i32>, Vec<i32>) = nums.iter().partition(|&&n| n < 5);
    println!("{:?} {:?}", small, big);
    println!("{:?}", running_max(&nums));
    println!("{}", nums.iter().rev().skip_while(|&&n| n != 6).map(|n| n.to_string()).collect::<Vec<_>>().join("-"));
}

fn is_palindrome(w: &str) -> bool {
    w.chars().eq(w.chars().rev())
}

fn first_char(w: &str) -> char {
    w.chars().next().unwrap_or('?')
}

fn running_max(xs: &[i32]) -> Vec<i32> {
    xs.iter()
        .scan(i32::MIN, |m, &x| {
            *m = (*m).max(x);
            Some(*m)
        })
        .collect()
}
