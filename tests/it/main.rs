//! The one integration-test crate.

mod aws;
mod batch;
mod books;
mod browser;
mod cli;
mod emulator;
mod eval;
mod mdbook;
mod parallel_data;
mod po;
mod site;
mod store;
mod support;
