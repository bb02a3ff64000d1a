use std::cmp::Ordering;
use std::collections::BTreeSet;

fn ranking(mut players: Vec<Player>) -> Vec<Player> {
    players.sort();
    players
}

#[derive(Debug, Eq, PartialEq, Clone)]
struct Player {
    name: String,
    score: u32,
    games: u32,
}

impl Ord for Player {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .score
            .cmp(&self.score)
            .then_with(|| self.games.cmp(&other.games))
            .then_with(|| self.name.cmp(&other.name))
    }
}

impl PartialOrd for Player {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

fn player(name: &str, score: u32, games: u32) -> Player {
    Player { name: name.to_string(), score, games }
}

fn main() {
    let players = vec![player("zoe", 30, 5), player("al", 45, 9), player("bo", 30, 4), player("cy", 30, 5)];
    for (i, p) in ranking(players.clone()).iter().enumerate() {
        println!("{}. {} {} ({} games)", i + 1, p.name, p.score, p.games);
    }
    let set: BTreeSet<Player> = players.into_iter().collect();
    println!("{:?}", set.iter().map(|p| p.name.as_str()).collect::<Vec<_>>());
    println!("{:?}", player("a", 1, 1).cmp(&player("b", 2, 1)));
}
