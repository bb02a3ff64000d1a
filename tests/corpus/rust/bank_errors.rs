use std::collections::HashMap;
use std::fmt;

fn transfer(bank: &mut Bank, from: &str, to: &str, amount: u64) -> Result<(), BankError> {
    bank.withdraw(from, amount)?;
    bank.deposit(to, amount)
}

struct Bank {
    accounts: HashMap<String, u64>,
}

impl Bank {
    fn new() -> Self {
        Bank { accounts: HashMap::new() }
    }

    fn open(&mut self, name: &str, balance: u64) {
        self.accounts.insert(name.to_string(), balance);
    }

    fn deposit(&mut self, name: &str, amount: u64) -> Result<(), BankError> {
        let balance = self.accounts.get_mut(name).ok_or_else(|| BankError::NoAccount(name.to_string()))?;
        *balance += amount;
        Ok(())
    }

    fn withdraw(&mut self, name: &str, amount: u64) -> Result<(), BankError> {
        let balance = self.accounts.get_mut(name).ok_or_else(|| BankError::NoAccount(name.to_string()))?;
        if *balance < amount {
            return Err(BankError::Insufficient { needed: amount, available: *balance });
        }
        *balance -= amount;
        Ok(())
    }
}

#[derive(Debug)]
enum BankError {
    NoAccount(String),
    Insufficient { needed: u64, available: u64 },
}

impl fmt::Display for BankError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BankError::NoAccount(name) => write!(f, "no account named {}", name),
            BankError::Insufficient { needed, available } => {
                write!(f, "needed {} but only {} available", needed, available)
            }
        }
    }
}

impl std::error::Error for BankError {}

fn main() {
    let mut bank = Bank::new();
    bank.open("alice", 100);
    bank.open("bob", 20);
    for (from, to, amount) in [("alice", "bob", 30), ("bob", "alice", 500), ("carol", "bob", 1)] {
        match transfer(&mut bank, from, to, amount) {
            Ok(()) => println!("moved {} from {} to {}", amount, from, to),
            Err(e) => println!("failed: {}", e),
        }
    }
    let mut names: Vec<_> = bank.accounts.iter().collect();
    names.sort();
    println!("{:?}", names);
}
