fn eval(e: &Expr) -> f64 {
    Evaluator.visit(e)
}

fn show(e: &Expr) -> String {
    Printer.visit(e)
}

trait Visitor<T> {
    fn visit(&self, e: &Expr) -> T;
}

enum Expr {
    Num(f64),
    Neg(Box<Expr>),
    Bin(Box<Expr>, Op, Box<Expr>),
}

#[derive(Clone, Copy)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

struct Evaluator;
struct Printer;

impl Visitor<f64> for Evaluator {
    fn visit(&self, e: &Expr) -> f64 {
        match e {
            Expr::Num(n) => *n,
            Expr::Neg(x) => -self.visit(x),
            Expr::Bin(a, op, b) => {
                let (a, b) = (self.visit(a), self.visit(b));
                match op {
                    Op::Add => a + b,
                    Op::Sub => a - b,
                    Op::Mul => a * b,
                    Op::Div => a / b,
                }
            }
        }
    }
}

impl Visitor<String> for Printer {
    fn visit(&self, e: &Expr) -> String {
        match e {
            Expr::Num(n) => n.to_string(),
            Expr::Neg(x) => format!("-{}", self.visit(x)),
            Expr::Bin(a, op, b) => {
                let sym = match op {
                    Op::Add => "+",
                    Op::Sub => "-",
                    Op::Mul => "*",
                    Op::Div => "/",
                };
                format!("({} {} {})", self.visit(a), sym, self.visit(b))
            }
        }
    }
}

fn num(n: f64) -> Box<Expr> {
    Box::new(Expr::Num(n))
}

fn main() {
    let e = Expr::Bin(
        Box::new(Expr::Bin(num(1.0), Op::Add, num(2.0))),
        Op::Mul,
        Box::new(Expr::Neg(Box::new(Expr::Bin(num(9.0), Op::Div, num(3.0))))),
    );
    println!("{} = {}", show(&e), eval(&e));
}
