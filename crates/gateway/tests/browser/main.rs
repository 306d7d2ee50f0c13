//! The pages in real headless Chromium, driven over WebDriver (Debian's `chromium` and
//! `chromium-driver`): a real server per test (as the HTTP suite starts them, on SQLite
//! or, with GATEWAY_TEST_DATABASE_URL, on PostgreSQL) with the demo data, and a
//! chromedriver of its own on a free port. Every wait polls for a condition.
//!
//! `cargo test -p gateway --test browser -- --ignored screenshots` writes the
//! screenshots of docs/screenshots/.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

#[path = "../http/common.rs"]
mod common;

mod driver;
mod food_readiness;
mod impact;
mod merchant;
mod operator;
mod scenarios;
mod screenshots;
