// A stack as a singly linked list: the list comes first and uses the node type declared below.
pub struct List<T> {
    head: Link<T>,
    len: usize,
}

type Link<T> = Option<Box<Node<T>>>;

impl<T: std::fmt::Debug> List<T> {
    pub fn new() -> Self {
        List { head: None, len: 0 }
    }

    pub fn push(&mut self, elem: T) {
        let new_node = Box::new(Node { elem, next: self.head.take() });
        self.head = Some(new_node);
        self.len += 1;
    }

    pub fn pop(&mut self) -> Option<T> {
        self.head.take().map(|node| {
            self.head = node.next;
            self.len -= 1;
            node.elem
        })
    }

    pub fn peek(&self) -> Option<&T> {
        self.head.as_ref().map(|node| &node.elem)
    }

    pub fn iter(&self) -> Iter<'_, T> {
        Iter { next: self.head.as_deref() }
    }
}

struct Node<T> {
    elem: T,
    next: Link<T>,
}

pub struct Iter<'a, T> {
    next: Option<&'a Node<T>>,
}

impl<'a, T> Iterator for Iter<'a, T> {
    type Item = &'a T;
    fn next(&mut self) -> Option<Self::Item> {
        self.next.map(|node| {
            self.next = node.next.as_deref();
            &node.elem
        })
    }
}

fn main() {
    let mut list = List::new();
    for i in 1..=4 {
        list.push(i * 10);
    }
    println!("{:?}", list.iter().collect::<Vec<_>>());
    println!("{:?} {:?} {}", list.pop(), list.peek(), list.len);
}
