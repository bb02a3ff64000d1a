const AREA: u32 = WIDTH * HEIGHT;
const WIDTH: u32 = 16;
const HEIGHT: u32 = 9;
const CELLS: usize = AREA as usize;

static GREETING: &str = "hello";
static PRIMES: [u32; 6] = [2, 3, 5, 7, 11, 13];
static NAMES: &[&str] = &["alpha", "beta", GREEK_GAMMA];
const GREEK_GAMMA: &str = "gamma";

const fn cube(x: u64) -> u64 {
    x * x * x
}

const BIG: u64 = cube(CUBE_BASE);
const CUBE_BASE: u64 = 21;

struct Grid {
    cells: [u8; CELLS],
}

impl Grid {
    const EMPTY: Grid = Grid { cells: [0; CELLS] };
}

fn main() {
    println!("{} {} {}", AREA, CELLS, BIG);
    println!("{} {:?} {:?}", GREETING, PRIMES.iter().sum::<u32>(), NAMES);
    let g = Grid::EMPTY;
    println!("{}", g.cells.len());
}
