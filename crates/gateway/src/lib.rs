//! The `gateway` binary's library half: configuration, opening the store the URL
//! names, start-up (first operator, demo data). Kept as a library so the HTTP test
//! suite starts servers exactly the way `gateway serve` does.

pub mod config;
pub mod demo;
pub mod startup;

pub use startup::{open_store, prepare};
