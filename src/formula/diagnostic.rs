//! Diagnostics: every problem found in a formula, with a stable code, a Portuguese message and
//! the span it concerns. Rendering (file, line, column, the source line and a caret) is done by
//! [`Diagnostic::render`] with `ariadne`.
//!
//! The codes are stable: tests and users may match on them. `E…` are errors, `W…` warnings;
//! in strict mode the lenient warnings `W001`–`W003` are reported as errors with the same code.
//! The full table is in `docs/diagnostics.md`.

use super::span::{line_col, Span};
use serde::Serialize;
use std::fmt;

/// Whether a diagnostic stops the formula.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The formula is rejected.
    Error,
    /// The formula is accepted; something deserves a look.
    Warning,
}

/// One problem in a formula.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable code, e.g. `E010` or `W001`.
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in Portuguese.
    pub message: String,
    /// Where.
    pub span: Span,
    /// What to do, in Portuguese (e.g. "você quis dizer `RC`?").
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error.
    pub fn error(code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            span,
            help: None,
        }
    }

    /// A warning.
    pub fn warning(code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Warning,
            message: message.into(),
            span,
            help: None,
        }
    }

    /// Adds a hint on what to do.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `FILE:LINE:COL: erro[E010]: message` — the one-line form.
    pub fn one_line(&self, file: &str, source: &str) -> String {
        let (line, col) = line_col(source, self.span.start as usize);
        let kind = match self.severity {
            Severity::Error => "erro",
            Severity::Warning => "aviso",
        };
        format!(
            "{file}:{line}:{col}: {kind}[{}]: {}",
            self.code, self.message
        )
    }

    /// The full form: the one-line header, then the source line with a caret under the span
    /// and the hint, drawn by `ariadne` in plain ASCII without colours (stable in tests).
    pub fn render(&self, file: &str, source: &str) -> String {
        use ariadne::{CharSet, Config, Label, Report, ReportKind, Source};
        let kind = match self.severity {
            Severity::Error => ReportKind::Custom("erro", ariadne::Color::Red),
            Severity::Warning => ReportKind::Custom("aviso", ariadne::Color::Yellow),
        };
        // ariadne counts characters; convert the byte span.
        let start = char_index(source, self.span.start as usize);
        let end = char_index(source, self.span.end as usize).max(start + 1);
        let mut report = Report::build(kind, (file, start..end))
            .with_config(
                Config::default()
                    .with_color(false)
                    .with_char_set(CharSet::Ascii)
                    .with_index_type(ariadne::IndexType::Char),
            )
            .with_code(self.code)
            .with_message(&self.message)
            .with_label(Label::new((file, start..end)).with_message("aqui"));
        if let Some(help) = &self.help {
            report = report.with_help(help);
        }
        let mut out = Vec::new();
        let header = self.one_line(file, source);
        if report
            .finish()
            .write((file, Source::from(source)), &mut out)
            .is_err()
        {
            return header;
        }
        // ariadne's own first line repeats the header (with colour codes): keep ours.
        let drawn = String::from_utf8_lossy(&out);
        let body: Vec<&str> = drawn.lines().skip(1).collect();
        format!("{header}\n{}", body.join("\n").replace("Help:", "Ajuda:"))
    }
}

fn char_index(source: &str, byte: usize) -> usize {
    let byte = byte.min(source.len());
    source.char_indices().take_while(|(i, _)| *i < byte).count()
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "erro",
            Severity::Warning => "aviso",
        };
        write!(
            f,
            "{kind}[{}] em {}..{}: {}",
            self.code, self.span.start, self.span.end, self.message
        )?;
        if let Some(help) = &self.help {
            write!(f, " ({help})")?;
        }
        Ok(())
    }
}

/// The diagnostics of a formula that did not compile: at least one is an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// All diagnostics, errors and warnings, in source order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// Only the errors.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }

    /// Every diagnostic rendered with the source line and caret, separated by blank lines.
    pub fn render(&self, file: &str, source: &str) -> String {
        self.0
            .iter()
            .map(|d| d.render(file, source))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// Levenshtein distance, for "você quis dizer" hints.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j + 1] + 1).min(cur[j] + 1).min(prev[j] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The closest candidate to `name` (case-insensitive), if close enough to be a typo.
pub(crate) fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let upper = name.to_uppercase();
    let limit = if upper.chars().count() <= 3 { 1 } else { 2 };
    candidates
        .into_iter()
        .map(|c| (edit_distance(&upper, &c.to_uppercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, c.len()))
        .map(|(_, c)| c)
}
