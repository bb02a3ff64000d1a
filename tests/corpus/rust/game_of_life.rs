use std::fmt;

fn step(b: &Board) -> Board {
    let mut next = Board::new(b.w, b.h);
    for y in 0..b.h {
        for x in 0..b.w {
            let n = b.live_neighbours(x, y);
            next.cells[y][x] = n == 3 || (n == 2 && b.cells[y][x]);
        }
    }
    next
}

struct Board {
    w: usize,
    h: usize,
    cells: Vec<Vec<bool>>,
}

impl Board {
    fn new(w: usize, h: usize) -> Board {
        Board { w, h, cells: vec![vec![false; w]; h] }
    }

    fn live_neighbours(&self, x: usize, y: usize) -> usize {
        let mut n = 0;
        for dy in [self.h - 1, 0, 1] {
            for dx in [self.w - 1, 0, 1] {
                if (dx, dy) != (0, 0) && self.cells[(y + dy) % self.h][(x + dx) % self.w] {
                    n += 1;
                }
            }
        }
        n
    }
}

impl fmt::Display for Board {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        for row in &self.cells {
            let line: String = row.iter().map(|&c| if c { '#' } else { '.' }).collect();
            writeln!(f, "{}", line)?;
        }
        Ok(())
    }
}

fn main() {
    let mut b = Board::new(6, 6);
    for (x, y) in [(1, 0), (2, 1), (0, 2), (1, 2), (2, 2)] {
        b.cells[y][x] = true;
    }
    for gen in 0..3 {
        print!("generation {}\n{}", gen, b);
        b = step(&b);
    }
}
