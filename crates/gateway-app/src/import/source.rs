//! The bytes of an uploaded file on their way to the CSV parser, checked as they
//! pass: valid UTF-8 (a leading byte-order mark is dropped), and quotes that close.
//!
//! Why here and not in the parser: the `csv` crate reads leniently. It reports bad
//! UTF-8 per record without the byte that was wrong, and a quote that never closes
//! simply swallows the rest of the file into one field. Watching the raw bytes lets
//! the import say exactly where the file is broken (line and byte offset), which is
//! what a merchant needs to fix it in a spreadsheet or an editor.

use std::io::{self, Read};

/// Why the bytes are not a readable CSV file, with where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceError {
    /// `byte` at `offset` (0-based, counted from the first byte of the file) on
    /// `line` (1-based, physical lines) does not start or continue a UTF-8 character.
    NotUtf8 { line: u64, offset: u64, byte: u8 },
}

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SourceError::NotUtf8 { line, offset, byte } => write!(
                f,
                "the file is not UTF-8: byte 0x{byte:02X} on line {line} (byte offset {offset}) is not valid UTF-8; \
                 save or export the file as UTF-8 (Shopify's exports are)"
            ),
        }
    }
}

impl std::error::Error for SourceError {}

/// A reader that checks UTF-8 and tracks lines and quotes as the parser pulls bytes.
pub struct CheckedSource<R> {
    inner: R,
    /// Bytes read so far, after the byte-order mark.
    offset: u64,
    /// 3 when the file began with a byte-order mark, so offsets count from its first byte.
    bom: u64,
    /// The physical line of the next byte, from 1.
    line: u64,
    /// Up to 3 bytes of a UTF-8 character split across two reads.
    pending: Vec<u8>,
    started: bool,
    /// Quote characters seen: an odd count at the end means a quote never closed.
    quotes: u64,
    /// The line where the quote count last became odd: where an unclosed quote opened.
    open_quote_line: u64,
}

impl<R: Read> CheckedSource<R> {
    pub fn new(inner: R) -> Self {
        Self { inner, offset: 0, bom: 0, line: 1, pending: Vec::new(), started: false, quotes: 0, open_quote_line: 0 }
    }

    /// The line on which a quoted field opened and never closed, once the whole
    /// input was read; None when every quote closed.
    pub fn unclosed_quote_line(&self) -> Option<u64> {
        (self.quotes % 2 == 1).then_some(self.open_quote_line)
    }

    /// Bytes read so far, for a progress bar.
    pub fn bytes_read(&self) -> u64 {
        self.offset
    }

    fn scan(&mut self, chunk: &[u8]) -> Result<(), SourceError> {
        let mut line = self.line;
        for &b in chunk {
            match b {
                b'\n' => line += 1,
                b'"' => {
                    self.quotes += 1;
                    if self.quotes % 2 == 1 {
                        self.open_quote_line = line;
                    }
                }
                _ => {}
            }
        }
        // A character cut by the end of the last read is validated with this chunk;
        // the pending bytes are never a newline, so they start on the current line.
        let joined;
        let text: &[u8] = if self.pending.is_empty() {
            chunk
        } else {
            let mut t = std::mem::take(&mut self.pending);
            t.extend_from_slice(chunk);
            joined = t;
            &joined
        };
        let base = self.offset + self.bom - (text.len() - chunk.len()) as u64;
        if let Err(e) = std::str::from_utf8(text) {
            let good = e.valid_up_to();
            match e.error_len() {
                Some(_) => {
                    let line = self.line + count_newlines(&text[..good]);
                    return Err(SourceError::NotUtf8 { line, offset: base + good as u64, byte: text[good] });
                }
                None => self.pending = text[good..].to_vec(),
            }
        }
        self.line = line;
        self.offset += chunk.len() as u64;
        Ok(())
    }
}

fn count_newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

impl<R: Read> Read for CheckedSource<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut n = self.inner.read(buf)?;
        let mut start = 0;
        if !self.started && n > 0 {
            // Keep reading until three bytes are in hand, to recognise a byte-order mark.
            while n < 3.min(buf.len()) {
                let more = self.inner.read(&mut buf[n..])?;
                if more == 0 {
                    break;
                }
                n += more;
            }
            self.started = true;
            if buf[..n].starts_with(&[0xEF, 0xBB, 0xBF]) {
                start = 3;
                self.bom = 3;
            }
        }
        if start > 0 {
            buf.copy_within(start..n, 0);
            n -= start;
            if n == 0 {
                // Only the mark so far: an empty read here would read as the end.
                return self.read(buf);
            }
        }
        if n == 0 {
            if let Some(&byte) = self.pending.first() {
                let offset = self.offset + self.bom - self.pending.len() as u64;
                return Err(io::Error::other(SourceError::NotUtf8 { line: self.line, offset, byte }));
            }
            return Ok(0);
        }
        self.scan(&buf[..n]).map_err(io::Error::other)?;
        Ok(n)
    }
}
