use std::cell::RefCell;
use std::rc::{Rc, Weak};

fn add_child(parent: &Rc<TreeNode>, value: i32) -> Rc<TreeNode> {
    let child = TreeNode::new(value);
    *child.parent.borrow_mut() = Rc::downgrade(parent);
    parent.children.borrow_mut().push(Rc::clone(&child));
    child
}

fn sum(node: &Rc<TreeNode>) -> i32 {
    node.value + node.children.borrow().iter().map(sum).sum::<i32>()
}

#[derive(Debug)]
struct TreeNode {
    value: i32,
    parent: RefCell<Weak<TreeNode>>,
    children: RefCell<Vec<Rc<TreeNode>>>,
}

impl TreeNode {
    fn new(value: i32) -> Rc<TreeNode> {
        Rc::new(TreeNode { value, parent: RefCell::new(Weak::new()), children: RefCell::new(vec![]) })
    }

    fn path(&self) -> Vec<i32> {
        let mut out = vec![self.value];
        let mut cur = self.parent.borrow().upgrade();
        while let Some(p) = cur {
            out.push(p.value);
            cur = p.parent.borrow().upgrade();
        }
        out
    }
}

fn main() {
    let root = TreeNode::new(1);
    let a = add_child(&root, 2);
    let b = add_child(&root, 3);
    let c = add_child(&a, 4);
    println!("sum {} path {:?}", sum(&root), c.path());
    println!("strong {} weak {}", Rc::strong_count(&a), Rc::weak_count(&a));
    let shared = Rc::new(RefCell::new(vec![1, 2]));
    let other = Rc::clone(&shared);
    other.borrow_mut().push(3);
    println!("{:?} {} {}", shared.borrow(), Rc::strong_count(&shared), b.children.borrow().len());
}
