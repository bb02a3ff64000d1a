//! The program every Rust cell runs as (ccellkernel): it loads the cell, built as a shared object
//! `cell.so` beside this executable, and runs it as its `main`.
//!
//! The kernel builds this once per compiler and copies it into each cell's build. A cell compiled
//! as a library object and linked as a shared object needs no link against the standard library
//! (the host brings it): that link is a few milliseconds instead of twenty. The cell's `ccell_main`
//! is its `main` reported through `Termination`, so it ends as the program would: exit status,
//! `Error: ...` for an `Err`, a panic's message and backtrace (the host's `main` runs it under the
//! runtime's own start-up and `__rust_begin_short_backtrace`).

use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_int, c_void};
use std::os::unix::ffi::OsStrExt;
use std::process::ExitCode;

const RTLD_NOW: c_int = 2;

extern "C" {
    fn dlopen(path: *const c_char, flags: c_int) -> *mut c_void;
    fn dlsym(handle: *mut c_void, name: *const c_char) -> *mut c_void;
    fn dlerror() -> *const c_char;
}

fn main() -> ExitCode {
    let cell = match std::env::current_exe() {
        Ok(exe) => exe.with_file_name("cell.so"),
        Err(err) => {
            eprintln!("ccellkernel: cannot find the cell beside the program: {}", err);
            return ExitCode::from(125);
        }
    };
    let path = CString::new(cell.as_os_str().as_bytes()).expect("a path without NUL");
    // SAFETY: cell.so was built by the kernel from this cell, with this compiler and standard
    // library; `ccell_main` has exactly this signature (see ccell_rust/loader.py).
    unsafe {
        let handle = dlopen(path.as_ptr(), RTLD_NOW);
        let entry = if handle.is_null() {
            std::ptr::null_mut()
        } else {
            dlsym(handle, b"ccell_main\0".as_ptr().cast())
        };
        if entry.is_null() {
            let why = dlerror();
            let why = if why.is_null() { "no ccell_main".into() } else { CStr::from_ptr(why).to_string_lossy() };
            eprintln!("ccellkernel: cannot load the cell: {}", why);
            return ExitCode::from(125);
        }
        let entry: fn() -> ExitCode = std::mem::transmute(entry);
        entry()
    }
}
