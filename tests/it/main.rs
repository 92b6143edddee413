//! The one integration-test crate.

mod aws;
mod bad_input;
mod batch;
mod book_files;
mod books;
mod browser;
mod cli;
mod emulator;
mod eval;
mod gc;
mod i18n_helpers;
mod mdbook;
mod parallel_data;
mod po;
mod readers;
mod search;
mod site;
mod store;
mod support;
