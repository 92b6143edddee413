//! Sentence splitting per language.
