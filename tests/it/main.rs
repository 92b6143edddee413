//! The one integration-test crate.

mod books;
mod browser;
mod cli;
mod eval;
mod site;
mod support;
