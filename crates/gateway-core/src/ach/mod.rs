//! US bank payouts as a NACHA ACH file (issue 21): credits to merchants' checking and
//! savings accounts, written as one file for the bank that originates them (the ODFI).

mod routing;

pub use routing::{RoutingError, RoutingNumber, check_digit};
