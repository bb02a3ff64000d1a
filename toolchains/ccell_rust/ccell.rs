//! Rich output from Rust cells in ccellkernel (CELL_MODEL.md section 4a).
//!
//! ```ignore
//! ccell::html("<b>bold</b>");
//! ```
//!
//! The kernel builds this crate once and links every cell with it (`--extern ccell`), so it needs no
//! Cargo and no registry. Each call sends one display to the notebook, after whatever the program
//! printed before it; the data goes over the kernel's display channel, never through stdout, so
//! nothing the program prints can pose as a display. Outside the kernel the calls do nothing.

use std::fs::File;
use std::io::{Read, Write};
use std::os::unix::io::FromRawFd;
use std::sync::Mutex;

const DISPLAY: u8 = 1;
const UPDATE: u8 = 2;
const CLEAR: u8 = 3;
const RESULT: u8 = 4;

struct Channel {
    opened: bool,
    frames: Option<File>,
    acks: Option<File>,
}

// A const Mutex::new works from rustc 1.63 on (Debian's), unlike OnceLock.
static CHANNEL: Mutex<Channel> = Mutex::new(Channel { opened: false, frames: None, acks: None });

fn open(name: &str) -> Option<File> {
    let fd: i32 = std::env::var(name).ok()?.parse().ok()?;
    if fd < 0 {
        return None;
    }
    // SAFETY: the kernel passed this descriptor to the program for exactly this use.
    Some(unsafe { File::from_raw_fd(fd) })
}

fn send(kind: u8, mime: &str, id: &str, data: &[u8]) {
    let mut channel = match CHANNEL.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    };
    if !channel.opened {
        channel.opened = true;
        channel.frames = open("CCELL_DISPLAY_FD");
        if channel.frames.is_some() {
            channel.acks = open("CCELL_DISPLAY_ACK");
        }
    }
    if channel.frames.is_none() || mime.len() > 255 || id.len() > 1024 || data.len() > u32::MAX as usize {
        return;
    }
    // what was printed before the display comes before it
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    let mut frame = Vec::with_capacity(16 + mime.len() + id.len() + data.len());
    frame.extend_from_slice(b"CCD1");
    frame.push(kind);
    frame.push(0);
    frame.extend_from_slice(&(mime.len() as u16).to_le_bytes());
    frame.extend_from_slice(&(id.len() as u16).to_le_bytes());
    frame.extend_from_slice(&[0, 0]);
    frame.extend_from_slice(&(data.len() as u32).to_le_bytes());
    frame.extend_from_slice(mime.as_bytes());
    frame.extend_from_slice(id.as_bytes());
    frame.extend_from_slice(data);
    let written = channel.frames.as_mut().map(|f| f.write_all(&frame).is_ok()).unwrap_or(false);
    if !written {
        channel.frames = None; // the channel is gone: displays are lost, the program goes on
        return;
    }
    // wait until the kernel has sent it: what the program prints next comes after it
    let mut byte = [0u8; 1];
    let acked = channel.acks.as_mut().map(|a| matches!(a.read(&mut byte), Ok(1)));
    if acked == Some(false) {
        channel.acks = None;
    }
}

/// Shows an HTML fragment.
pub fn html(html: &str) {
    send(DISPLAY, "text/html", "", html.as_bytes());
}

/// Shows Markdown text.
pub fn markdown(markdown: &str) {
    send(DISPLAY, "text/markdown", "", markdown.as_bytes());
}

/// Shows an SVG image.
pub fn svg(svg: &str) {
    send(DISPLAY, "image/svg+xml", "", svg.as_bytes());
}

/// Shows a PNG image.
pub fn png(png: &[u8]) {
    send(DISPLAY, "image/png", "", png);
}

/// Shows data of any MIME type: text types (text/..., image/svg+xml, application/json) as text,
/// others as bytes. `data` may be a `&str`, a `String`, a `&[u8]` or a `Vec<u8>`.
pub fn display(mime: &str, data: impl AsRef<[u8]>) {
    send(DISPLAY, mime, "", data.as_ref());
}

/// Shows data that a later `update` with the same id replaces, also from a later cell.
pub fn display_id(id: &str, mime: &str, data: impl AsRef<[u8]>) {
    send(DISPLAY, mime, id, data.as_ref());
}

/// Replaces what the display with this id shows.
pub fn update(id: &str, mime: &str, data: impl AsRef<[u8]>) {
    send(UPDATE, mime, id, data.as_ref());
}

/// Clears the cell's output so far.
pub fn clear() {
    send(CLEAR, "", "", &[]);
}

/// How the kernel shows a cell's last expression as `Out[n]` (with `{:?}`; `()` shows nothing).
#[doc(hidden)]
pub fn __value<T: std::fmt::Debug + ?Sized>(value: &T) {
    if std::any::type_name::<T>() == "()" {
        return;
    }
    send(RESULT, "text/plain", "", format!("{:?}", value).as_bytes());
}
