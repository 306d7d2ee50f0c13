//! The HTTP suite: a real server per test, driven over HTTP like any client would.
//! Runs on SQLite, and on PostgreSQL when GATEWAY_TEST_DATABASE_URL is set.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

mod accounts;
mod buying;
mod catalog;
mod cli;
mod common;
mod errors;
mod merchants;
mod ops;
mod pages;
mod search;
mod startup;
