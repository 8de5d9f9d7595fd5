//! Erros e ocorrências da camada de domínio.
//!
//! Two shapes, one purpose each:
//!
//! - [`DomainError`] is the one `thiserror` enum of the layer: what a function returns when it
//!   cannot produce its result (bad input, arithmetic overflow, a formula that fails).
//! - [`DomainIssue`] is the serde-able record a report carries: a stable code, a severity, the
//!   field it concerns (a dotted path such as `instituicoes[1].evento_438`) and a message in
//!   Portuguese. Configuration validation, consistency checks and ineligibility all speak in
//!   issues, so a batch can write them out as they are.
//!
//! Stable codes, by family:
//!
//! | code | family |
//! |---|---|
//! | `D1xx` | configuration (SPEC §2 table and §2.1–§2.5 settings) |
//! | `D2xx` | margem consignável (SPEC §2.1) |
//! | `D3xx` | rateio (SPEC §2.2) |
//! | `D4xx` | descontos 438/439 (SPEC §2.3) |
//! | `D5xx` | provisões de férias 453–456 (SPEC §2.5) |
//! | `D6xx` | rescisão 442/443 (SPEC §2.4) |
//! | `D7xx` | consistência cadastral (SPEC §2.6) |
//! | `D9xx` | input shape, arithmetic and formula evaluation |

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Gravidade de uma ocorrência.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Impede o cálculo ou o envio (configuração inválida, dado obrigatório ausente).
    Error,
    /// Informativo: o cálculo segue, mas alguém deve olhar (trava legal, valor ajustado).
    Warning,
}

/// One reported problem: stable code, severity, field path and a Portuguese message.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DomainIssue {
    /// Stable code (`D101`, `D701`, …); see the module table.
    pub code: String,
    /// Error or warning.
    pub severity: Severity,
    /// Dotted path of the field concerned (`rateio.fator`, `dados_pessoais.email_funcional`).
    pub field: String,
    /// Message for the user, in Portuguese.
    pub message: String,
}

impl DomainIssue {
    /// An error-severity issue.
    pub fn error(code: &str, field: impl Into<String>, message: impl Into<String>) -> Self {
        DomainIssue {
            code: code.to_owned(),
            severity: Severity::Error,
            field: field.into(),
            message: message.into(),
        }
    }

    /// A warning-severity issue.
    pub fn warning(code: &str, field: impl Into<String>, message: impl Into<String>) -> Self {
        DomainIssue {
            code: code.to_owned(),
            severity: Severity::Warning,
            field: field.into(),
            message: message.into(),
        }
    }

    /// True for [`Severity::Error`].
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl std::fmt::Display for DomainIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let level = match self.severity {
            Severity::Error => "erro",
            Severity::Warning => "aviso",
        };
        write!(f, "{level}[{}] {}: {}", self.code, self.field, self.message)
    }
}

/// The error enum of the domain layer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A competência that is not `AAAA-MM` with a month in 1..12.
    #[error("competência inválida '{0}': use AAAA-MM, com mês de 01 a 12")]
    InvalidCompetencia(String),
    /// A checked decimal operation overflowed the range of `Decimal`.
    #[error("estouro aritmético em {what}: {left} {op} {right}")]
    Overflow {
        /// What was being computed (in Portuguese, e.g. "teto legal").
        what: String,
        /// The operator (`+`, `-`, `×`, `÷`).
        op: &'static str,
        /// Left operand.
        left: Decimal,
        /// Right operand.
        right: Decimal,
    },
    /// A division whose divisor is zero.
    #[error("divisão por zero em {0}")]
    DivisionByZero(String),
    /// Input data that cannot be computed on (field path and message).
    #[error("{field}: {message}")]
    Input {
        /// Dotted field path.
        field: String,
        /// Portuguese message.
        message: String,
    },
    /// A formula (444, 438 or 442) that failed to compile or evaluate.
    #[error("fórmula {field}: {message}")]
    Formula {
        /// Which formula (`margem.formula`, `instituicoes[0].formula_438`).
        field: String,
        /// The formula layer's message.
        message: String,
    },
}

impl DomainError {
    /// An [`DomainError::Input`] error.
    pub fn input(field: impl Into<String>, message: impl Into<String>) -> Self {
        DomainError::Input {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The issue a report carries for this error.
    pub fn to_issue(&self) -> DomainIssue {
        match self {
            DomainError::InvalidCompetencia(_) => {
                DomainIssue::error("D901", "competencia", self.to_string())
            }
            DomainError::Overflow { .. } | DomainError::DivisionByZero(_) => {
                DomainIssue::error("D902", "calculo", self.to_string())
            }
            DomainError::Input { field, message } => {
                DomainIssue::error("D903", field.clone(), message.clone())
            }
            DomainError::Formula { field, message } => {
                DomainIssue::error("D904", field.clone(), message.clone())
            }
        }
    }
}

impl From<DomainError> for DomainIssue {
    fn from(e: DomainError) -> Self {
        e.to_issue()
    }
}

/// Checked decimal arithmetic: every overflow becomes a [`DomainError`], never a panic.
pub(crate) mod arith {
    use super::DomainError;
    use rust_decimal::Decimal;

    #[cold]
    #[inline(never)]
    fn overflow(what: &str, op: &'static str, left: Decimal, right: Decimal) -> DomainError {
        DomainError::Overflow {
            what: what.to_owned(),
            op,
            left,
            right,
        }
    }

    #[inline]
    pub(crate) fn add(a: Decimal, b: Decimal, what: &str) -> Result<Decimal, DomainError> {
        a.checked_add(b).ok_or_else(|| overflow(what, "+", a, b))
    }

    #[inline]
    pub(crate) fn sub(a: Decimal, b: Decimal, what: &str) -> Result<Decimal, DomainError> {
        a.checked_sub(b).ok_or_else(|| overflow(what, "-", a, b))
    }

    #[inline]
    pub(crate) fn mul(a: Decimal, b: Decimal, what: &str) -> Result<Decimal, DomainError> {
        a.checked_mul(b).ok_or_else(|| overflow(what, "×", a, b))
    }

    pub(crate) fn div(a: Decimal, b: Decimal, what: &str) -> Result<Decimal, DomainError> {
        if b.is_zero() {
            return Err(DomainError::DivisionByZero(what.to_owned()));
        }
        a.checked_div(b).ok_or_else(|| overflow(what, "÷", a, b))
    }

    #[inline]
    pub(crate) fn sum<I: IntoIterator<Item = Decimal>>(
        values: I,
        what: &str,
    ) -> Result<Decimal, DomainError> {
        values
            .into_iter()
            .try_fold(Decimal::ZERO, |acc, v| add(acc, v, what))
    }
}
