//! A one-line progress bar on standard error for the long-running commands (`import
//! shopify`, `seed`): redrawn in place at most ten times a second on a terminal, and
//! a plain line every ten seconds otherwise (a log file, CI), so neither floods.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

const WIDTH: u64 = 30;
const TERMINAL_EVERY: Duration = Duration::from_millis(100);
const PLAIN_EVERY: Duration = Duration::from_secs(10);

pub struct Progress {
    total: u64,
    label: &'static str,
    drawn: Option<Instant>,
    terminal: bool,
    started: Instant,
}

impl Progress {
    /// A bar for `total` units of work (bytes, rows).
    pub fn new(total: u64, label: &'static str) -> Self {
        Self { total, label, drawn: None, terminal: std::io::stderr().is_terminal(), started: Instant::now() }
    }

    /// Reports `done` units; `detail` (counts, rates) is formatted only when drawn.
    pub fn update(&mut self, done: u64, detail: impl FnOnce() -> String) {
        let every = if self.terminal { TERMINAL_EVERY } else { PLAIN_EVERY };
        let due = match self.drawn {
            Some(t) => t.elapsed() >= every,
            // The first plain line waits one period: a short run prints none.
            None => self.terminal || self.started.elapsed() >= every,
        };
        if due {
            self.draw(done, &detail());
        }
    }

    /// The final state, on a terminal (a plain log gets the command's own summary).
    pub fn finish(&mut self, detail: &str) {
        if self.terminal {
            self.draw(self.total, detail);
            eprintln!();
        }
    }

    /// Seconds since the bar was made.
    pub fn elapsed(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }

    fn draw(&mut self, done: u64, detail: &str) {
        // An empty job is done as soon as it starts.
        let done = done.min(self.total);
        let filled = (done * WIDTH).checked_div(self.total).unwrap_or(WIDTH);
        let percent = (done * 100).checked_div(self.total).unwrap_or(100);
        if self.terminal {
            let bar: String = (0..WIDTH).map(|i| if i < filled { '#' } else { '-' }).collect();
            eprint!("\r{} [{bar}] {percent:>3}%  {detail} ", self.label);
        } else {
            eprintln!("{} {percent:>3}%  {detail}  ({:.0} s)", self.label, self.elapsed());
        }
        let _ = std::io::stderr().flush();
        self.drawn = Some(Instant::now());
    }
}
