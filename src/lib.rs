//! **consignado** — an open, exact and fast engine for Brazilian payroll-deductible loans
//! (crédito consignado) of CLT employees.
//!
//! - [`formula`]: the TOTVS RM formula language — parse, check, compile once, evaluate many
//!   times with exact decimals, explain, format. Knows nothing of payroll.
//! - [`domain`]: the consignado rules (margem 444, rateio, discounts 438/439, rescission
//!   442/443, vacation provisions 453–456, consistency checks) as pure functions.
//! - [`adapters`]: file formats in and out.
//! - [`batch`]: the monthly batch of a whole company (read, compute in parallel, write, account).
//! - [`money`]: money parsing and the one rounding policy.
//!
//! ```
//! use consignado::formula::{CompileOptions, MapContext, Program};
//! use consignado::Decimal;
//!
//! let margin = Program::compile("RC * 0.3", &CompileOptions::default()).unwrap();
//! let mut ctx = MapContext::new(2025, 6);
//! ctx.set_variable("RC", "1518.00".parse().unwrap());
//! assert_eq!(margin.evaluate_money(&ctx).unwrap(), "455.40".parse::<Decimal>().unwrap());
//! ```
#![warn(missing_docs)]

/// The exact decimal of every amount the API takes and returns (`rust_decimal`'s), re-exported
/// so that a library user needs no dependency of their own for it.
pub use rust_decimal::Decimal;

pub mod adapters;
pub mod batch;
pub mod domain;
pub mod formula;
pub mod messages;
pub mod money;

#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
