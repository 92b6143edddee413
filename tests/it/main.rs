//! The one integration-test crate.

mod books;
mod cli;
mod eval;
mod support;
