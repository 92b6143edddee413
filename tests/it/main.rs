//! The one integration-test crate.

mod aws;
mod books;
mod browser;
mod cli;
mod emulator;
mod eval;
mod mdbook;
mod po;
mod site;
mod support;
