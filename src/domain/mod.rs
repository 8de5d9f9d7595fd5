//! Regras do consignado.
pub mod error;
pub mod explain;
pub(crate) mod serde_util;
pub mod types;
pub mod config;
