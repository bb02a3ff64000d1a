fn sieve(limit: usize) -> Vec<usize> {
    let mut is_prime = vec![true; limit + 1];
    is_prime[0] = false;
    if limit >= 1 {
        is_prime[1] = false;
    }
    let mut i = 2;
    while i * i <= limit {
        if is_prime[i] {
            let mut j = i * i;
            while j <= limit {
                is_prime[j] = false;
                j += i;
            }
        }
        i += 1;
    }
    is_prime.iter().enumerate().filter(|(_, &p)| p).map(|(n, _)| n).collect()
}

fn factorize(mut n: u64) -> Vec<(u64, u32)> {
    let mut out = Vec::new();
    let mut p = 2;
    while p * p <= n {
        let mut k = 0;
        while n % p == 0 {
            n /= p;
            k += 1;
        }
        if k > 0 {
            out.push((p, k));
        }
        p += 1;
    }
    if n > 1 {
        out.push((n, 1));
    }
    out
}

fn goldbach(n: usize, primes: &[usize]) -> Option<(usize, usize)> {
    primes.iter().find(|&&p| primes.binary_search(&(n - p)).is_ok()).map(|&p| (p, n - p))
}

fn main() {
    let primes = sieve(100);
    println!("{} primes, last {:?}", primes.len(), primes.last());
    for n in [360, 97, 1001, 600851475143] {
        println!("{} = {:?}", n, factorize(n));
    }
    for n in [4, 28, 98] {
        println!("{} = {:?}", n, goldbach(n, &primes));
    }
}
