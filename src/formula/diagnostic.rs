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
    /// A source line longer than [`MAX_LINE_CHARS`] is shown as an excerpt around the caret
    /// (`…` where it is cut), so that one diagnostic never prints a whole long line.
    pub fn render(&self, file: &str, source: &str) -> String {
        use ariadne::{CharSet, Config, Label, Report, ReportKind, Source};
        let kind = match self.severity {
            Severity::Error => ReportKind::Custom("erro", ariadne::Color::Red),
            Severity::Warning => ReportKind::Custom("aviso", ariadne::Color::Yellow),
        };
        let header = self.one_line(file, source);
        // The label stays on the span's first line: a span reaching a later (long) line would
        // draw that line whole.
        let mut span_start = (self.span.start as usize).min(source.len());
        while !source.is_char_boundary(span_start) {
            span_start -= 1;
        }
        let first_line_end = source[span_start..]
            .find('\n')
            .map_or(source.len(), |i| span_start + i);
        let mut span_end = (self.span.end as usize).clamp(span_start, first_line_end);
        while !source.is_char_boundary(span_end) {
            span_end -= 1;
        }
        let shown = excerpt_source(source, span_start, span_end);
        let (source, span_start, span_end) = match &shown {
            Some((text, s, e)) => (text.as_str(), *s, *e),
            None => (source, span_start, span_end),
        };
        // ariadne counts characters; convert the byte span.
        let start = char_index(source, span_start);
        let end = char_index(source, span_end).max(start + 1);
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

/// Longest source line drawn whole under a diagnostic.
pub const MAX_LINE_CHARS: usize = 160;

/// Most diagnostics drawn by [`Diagnostics::render`] and [`render_bounded`]; the rest are
/// counted in one last line.
pub const MAX_SHOWN: usize = 50;

/// When the line holding `start` is longer than [`MAX_LINE_CHARS`]: a source of the same line
/// number holding only an excerpt of that line around the span (60 characters each side, `…`
/// at the cuts), with the span moved into it.
fn excerpt_source(source: &str, start: usize, end: usize) -> Option<(String, usize, usize)> {
    let start = start.min(source.len());
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[start..]
        .find('\n')
        .map_or(source.len(), |i| start + i);
    let line = &source[line_start..line_end];
    if line.chars().count() <= MAX_LINE_CHARS {
        return None;
    }
    let at = start - line_start;
    let before: Vec<usize> = line[..at].char_indices().map(|(i, _)| i).collect();
    let from = before.len().checked_sub(60).map_or(0, |k| before[k]);
    let to = line[at..]
        .char_indices()
        .nth(60)
        .map_or(line.len(), |(i, _)| at + i);
    let lines_before = source[..line_start].matches('\n').count();
    let mut text = "\n".repeat(lines_before);
    if from > 0 {
        text.push('…');
    }
    // Position `p` of the line (from ≤ p ≤ to) is `prefix + p - from` in the excerpt.
    let prefix = text.len();
    text.push_str(&line[from..to]);
    if to < line.len() {
        text.push('…');
    }
    let end = end.clamp(start, line_start + to) - line_start;
    Some((text, prefix + at - from, prefix + end - from))
}

/// Renders diagnostics, at most [`MAX_SHOWN`] of them, then `… e mais N` for the rest.
pub fn render_bounded<'a>(
    diagnostics: impl IntoIterator<Item = &'a Diagnostic>,
    file: &str,
    source: &str,
) -> String {
    let mut shown = Vec::new();
    let (mut errors, mut warnings) = (0usize, 0usize);
    for d in diagnostics {
        if shown.len() < MAX_SHOWN {
            shown.push(d.render(file, source));
        } else if d.is_error() {
            errors += 1;
        } else {
            warnings += 1;
        }
    }
    if errors + warnings > 0 {
        shown.push(format!(
            "{file}: … e mais {} ({errors} erro(s), {warnings} aviso(s)) não mostrados: corrija os primeiros e rode de novo",
            errors + warnings
        ));
    }
    shown.join("\n")
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

    /// The diagnostics rendered with the source line and caret, at most [`MAX_SHOWN`] of them
    /// (the rest counted in a last line).
    pub fn render(&self, file: &str, source: &str) -> String {
        render_bounded(&self.0, file, source)
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

#[cfg(test)]
mod bounded_tests {
    use super::*;

    proptest::proptest! {
        /// Any span of any source renders without panicking, and a line longer than the limit
        /// is never printed whole.
        #[test]
        fn rendering_is_bounded(
            pieces in proptest::collection::vec("[a-zé€ \n]{0,40}", 0..40),
            start in 0usize..3000,
            len in 0usize..50,
        ) {
            let source: String = pieces.concat() + &"x€".repeat(500);
            let mut start = start.min(source.len());
            while !source.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + len).min(source.len());
            while !source.is_char_boundary(end) {
                end -= 1;
            }
            let d = Diagnostic::error(
                "E010",
                crate::formula::span::Span::new(start, end),
                "nome desconhecido",
            );
            let text = d.render("f.rm", &source);
            proptest::prop_assert!(text.starts_with("f.rm:"));
            for line in text.lines() {
                proptest::prop_assert!(line.chars().count() < MAX_LINE_CHARS + 60, "{}", line);
            }
        }
    }
}
