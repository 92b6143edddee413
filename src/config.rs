//! `[preprocessor.translate]` → [`Config`].
