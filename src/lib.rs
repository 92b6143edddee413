//! mdbook-translate: an mdBook preprocessor that keeps every translation of a
//! book in step with its source.
//!
//! See `ARCHITECTURE.md` for the pipeline and the map of modules.

pub mod collect;
pub mod config;
pub mod emulator;
pub mod eval;
pub mod interface;
pub mod language;
pub mod parallel_data;
pub mod pipeline;
pub mod po;
pub mod preprocessor;
pub mod renderer;
pub mod search;
pub mod segment;
pub mod sentence;
pub mod site;
pub mod store;
pub mod translate;
