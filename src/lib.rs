//! keysweep: a secret and credential leak scanner for directories and full git history.
//!
//! The pipeline flows one way (see `ARCHITECTURE.md`):
//! [`source`] (bytes and where they came from) → [`matcher`] (rule matches in bytes) →
//! [`finding`] (located hits, one finding per secret) → [`report`] (text, JSON, SARIF).
//! [`rules`] holds the signature model; [`scan`] wires the stages for each front end.

pub mod action;
pub mod app;
pub mod baseline;
pub mod config;
pub mod decode;
pub mod escape;
pub mod exit;
pub mod filter;
pub mod finding;
pub mod hook;
pub mod http_url;
pub mod matcher;
pub mod model;
pub mod owners;
pub mod plural;
pub mod private_file;
pub mod redact;
pub mod report;
pub mod request;
pub mod rules;
pub mod scan;
pub mod source;
pub mod store;
pub mod sweep;
pub mod untrusted;
pub mod utc;
pub mod validate;
mod word_enum;

#[cfg(test)]
mod layers;
