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
//!
//! evcxr's convention works too: when a cell's last value has an `evcxr_display(&self)` method, the
//! kernel shows the value by calling it (`__evcxr`), and what it prints between a line
//! `EVCXR_BEGIN_CONTENT <mime>` and a line `EVCXR_END_CONTENT` becomes one display, each block one
//! MIME type of it (binary types in base64, as evcxr wants). Only what is printed during that call
//! is read so; the same lines printed anywhere else are text.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::io::{AsRawFd, FromRawFd};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

const DISPLAY: u8 = 1;
const UPDATE: u8 = 2;
const CLEAR: u8 = 3;
const RESULT: u8 = 4;
const PART: u8 = 2; // flag: another MIME type of the same display follows

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

/// The channel, opened on first use.
fn channel() -> MutexGuard<'static, Channel> {
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
    channel
}

fn send(kind: u8, mime: &str, id: &str, data: &[u8]) {
    send_frame(kind, 0, mime, id, data);
}

fn send_frame(kind: u8, flags: u8, mime: &str, id: &str, data: &[u8]) {
    let mut channel = channel();
    if channel.frames.is_none() || mime.len() > 255 || id.len() > 1024 || data.len() > u32::MAX as usize {
        return;
    }
    // what was printed before the display comes before it
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    let mut frame = Vec::with_capacity(16 + mime.len() + id.len() + data.len());
    frame.extend_from_slice(b"CCD1");
    frame.push(kind);
    frame.push(flags);
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

/// How the kernel shows a cell's last value by evcxr's convention: `show` calls its
/// `evcxr_display`, whose blocks become one display; what it prints outside them is text.
#[doc(hidden)]
pub fn __evcxr(show: &mut dyn FnMut()) {
    let in_kernel = channel().frames.is_some();
    let capture = if in_kernel { Capture::start() } else { None };
    let mut capture = match capture {
        Some(capture) => capture,
        None => {
            show(); // outside the kernel the blocks are printed, as evcxr's own runtime prints them
            return;
        }
    };
    show();
    let printed = capture.finish();
    let (blocks, text) = evcxr_blocks(&printed);
    let mut stdout = std::io::stdout();
    let _ = stdout.write_all(&text);
    let _ = stdout.flush();
    let mut parts = Vec::new();
    for (mime, content) in blocks {
        if is_text(&mime) {
            parts.push((mime, content));
        } else if let Some(data) = from_base64(&content) {
            parts.push((mime, data));
        } else {
            eprintln!("[ccell: the {} block of evcxr_display is not base64; it was dropped]", mime);
        }
    }
    let count = parts.len();
    for (index, (mime, data)) in parts.iter().enumerate() {
        let flags = if index + 1 < count { PART } else { 0 };
        send_frame(DISPLAY, flags, mime, "", data);
    }
}

/// Shows the value as `Out[n]` when its type has no `evcxr_display` of its own: a type's own
/// method comes before a trait's in Rust's method lookup, so `value.evcxr_display()` with this
/// trait in scope calls the type's method if it has one and this one if not.
#[doc(hidden)]
pub trait __AsValue {
    fn evcxr_display(&self);
}

impl<T: std::fmt::Debug + ?Sized> __AsValue for T {
    fn evcxr_display(&self) {
        __value(self);
    }
}

const BEGIN: &[u8] = b"EVCXR_BEGIN_CONTENT ";
const END: &[u8] = b"EVCXR_END_CONTENT";

/// evcxr's blocks in `printed` as (MIME type, content), and the text outside them. A line holding
/// `EVCXR_BEGIN_CONTENT <mime>` opens a block (the MIME type ends at a space), a line
/// `EVCXR_END_CONTENT` closes it, the lines between are its content (joined by newlines, without
/// the last); a later block of a type replaces an earlier one; a block still open at the end
/// ends there.
fn evcxr_blocks(printed: &[u8]) -> (Vec<(String, Vec<u8>)>, Vec<u8>) {
    let mut blocks: Vec<(String, Vec<u8>)> = Vec::new();
    let mut text = Vec::new();
    let mut open: Option<(String, Vec<u8>, bool)> = None; // type, content, whether it has a line
    for raw in printed.split_inclusive(|&byte| byte == b'\n') {
        let line = raw.strip_suffix(b"\n").unwrap_or(raw);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        match open.take() {
            Some((mime, content, _)) if line == END => add_block(&mut blocks, mime, content),
            Some((mime, mut content, started)) => {
                if started {
                    content.push(b'\n');
                }
                content.extend_from_slice(line);
                open = Some((mime, content, true));
            }
            None => match block_type(line) {
                Some(mime) => open = Some((mime, Vec::new(), false)),
                None => text.extend_from_slice(raw),
            },
        }
    }
    if let Some((mime, content, _)) = open {
        add_block(&mut blocks, mime, content);
    }
    (blocks, text)
}

fn add_block(blocks: &mut Vec<(String, Vec<u8>)>, mime: String, content: Vec<u8>) {
    match blocks.iter_mut().find(|(known, _)| *known == mime) {
        Some(block) => block.1 = content,
        None => blocks.push((mime, content)),
    }
}

/// The MIME type a line opens a block of, if it does: printable ASCII, as the channel carries it.
fn block_type(line: &[u8]) -> Option<String> {
    let at = line.windows(BEGIN.len()).position(|window| window == BEGIN)?;
    let rest = &line[at + BEGIN.len()..];
    let mime = &rest[..rest.iter().position(|&byte| byte == b' ').unwrap_or(rest.len())];
    let printable = mime.iter().all(|byte| byte.is_ascii_graphic());
    if mime.is_empty() || mime.len() > 255 || !printable {
        return None;
    }
    String::from_utf8(mime.to_vec()).ok()
}

/// Whether the kernel carries `mime` as text (the rule of its display channel); other types come
/// in evcxr's blocks as base64.
fn is_text(mime: &str) -> bool {
    let base = mime.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    base.starts_with("text/")
        || base == "image/svg+xml"
        || base == "application/javascript"
        || base == "application/xml"
        || base.ends_with("+json")
        || base.ends_with("+xml")
        || base.ends_with("/json")
}

fn from_base64(text: &[u8]) -> Option<Vec<u8>> {
    let mut bytes = Vec::with_capacity(text.len() / 4 * 3);
    let (mut bits, mut count) = (0u32, 0u32);
    for &byte in text.iter().filter(|b| !b.is_ascii_whitespace() && **b != b'=') {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(value);
        count += 6;
        if count >= 8 {
            count -= 8;
            bytes.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    Some(bytes)
}

extern "C" {
    fn dup(fd: i32) -> i32;
    fn dup2(fd: i32, to: i32) -> i32;
    fn close(fd: i32) -> i32;
}

const STDOUT: i32 = 1;

/// While it lasts, what the process writes on stdout goes to a file without a name.
struct Capture {
    file: File,
    saved: i32, // the real stdout, -1 once restored
}

impl Capture {
    fn start() -> Option<Capture> {
        let file = unnamed_file()?;
        let _ = std::io::stdout().flush(); // what was printed before is not the value's
        // SAFETY: descriptor calls on descriptors this process holds.
        let saved = unsafe { dup(STDOUT) };
        if saved < 0 {
            return None;
        }
        if unsafe { dup2(file.as_raw_fd(), STDOUT) } < 0 {
            unsafe { close(saved) };
            return None;
        }
        Some(Capture { file, saved })
    }

    /// Stdout as it was, and what was written meanwhile.
    fn finish(&mut self) -> Vec<u8> {
        if self.saved >= 0 {
            let _ = std::io::stdout().flush();
            // SAFETY: `saved` is the descriptor `start` duplicated.
            unsafe {
                dup2(self.saved, STDOUT);
                close(self.saved);
            }
            self.saved = -1;
        }
        let mut printed = Vec::new();
        if self.file.seek(SeekFrom::Start(0)).is_ok() {
            let _ = self.file.read_to_end(&mut printed);
        }
        printed
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        if self.saved >= 0 {
            // `evcxr_display` panicked: what it printed is shown as it is
            let printed = self.finish();
            let _ = std::io::stdout().write_all(&printed);
            let _ = std::io::stdout().flush();
        }
    }
}

fn unnamed_file() -> Option<File> {
    static FILES: AtomicUsize = AtomicUsize::new(0);
    let folder = std::env::temp_dir();
    for _ in 0..16 {
        let number = FILES.fetch_add(1, Ordering::Relaxed);
        let path = folder.join(format!("ccell-evcxr-{}-{}", std::process::id(), number));
        let opened = OpenOptions::new().read(true).write(true).create_new(true).mode(0o600).open(&path);
        match opened {
            Ok(file) => {
                let _ = std::fs::remove_file(&path);
                return Some(file);
            }
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(_) => return None,
        }
    }
    None
}
