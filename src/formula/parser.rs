//! Source text → [`Formula`]. Three steps:
//!
//! 1. a **scan** that finds comments and strings, reports an unterminated one precisely, and
//!    rejects nesting deeper than [`MAX_DEPTH`] before the recursive-descent parser sees it, so
//!    no input can exhaust the stack;
//! 2. the **pest** parse of `grammar/formula.pest` (pest types never leave this module);
//! 3. the **build** of our AST: operator lists folded by precedence climbing (docs/language.md, "Precedence"),
//!    chained comparisons reported, missing and stray `FIMSE` turned into warnings (lenient)
//!    or errors (strict), and the depth of every node bounded by [`MAX_DEPTH`].

use super::ast::*;
use super::diagnostic::Diagnostic;
use super::span::Span;
use super::Mode;
use pest::iterators::Pair;
use pest::Parser as _;

/// The deepest nesting a formula may have: parentheses, conditionals, function arguments and
/// operators, counted as the depth of the syntax tree. Deeper formulas are rejected with
/// `E004`. Real RM formulas stay far below it; the limit exists so that no input can exhaust
/// the stack of the parser, checker or evaluator.
pub const MAX_DEPTH: u32 = 200;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/formula.pest"]
struct RmParser;

/// Parses `source`. On success returns the formula and its warnings; on failure every error
/// found (with any warnings).
pub fn parse(source: &str, mode: Mode) -> Result<(Formula, Vec<Diagnostic>), Vec<Diagnostic>> {
    let comments = scan(source)?;
    let mut pairs = match RmParser::parse(Rule::formula, source) {
        Ok(p) => p,
        Err(e) => return Err(vec![syntax_error(source, e)]),
    };
    let mut builder = Builder {
        mode,
        diagnostics: Vec::new(),
    };
    let formula_pair = pairs.next().ok_or_else(|| {
        vec![Diagnostic::error(
            "E001",
            Span::new(0, 0),
            "sintaxe inválida",
        )]
    })?;
    let mut statements = Vec::new();
    for pair in formula_pair.into_inner() {
        if pair.as_rule() == Rule::statement {
            match builder.statement(pair) {
                Ok(s) => statements.push(s),
                Err(d) => {
                    builder.diagnostics.push(d);
                    return Err(builder.diagnostics);
                }
            }
        }
    }
    if statements.is_empty() {
        builder.diagnostics.push(
            Diagnostic::error("E005", Span::new(0, source.len()), "a fórmula está vazia")
                .with_help("escreva ao menos uma expressão, por exemplo `RC * 0.3`"),
        );
    }
    if builder.diagnostics.iter().any(Diagnostic::is_error) {
        return Err(builder.diagnostics);
    }
    Ok((
        Formula {
            statements,
            comments,
        },
        builder.diagnostics,
    ))
}

// ---------------------------------------------------------------------------------------
// 1. Scan
// ---------------------------------------------------------------------------------------

fn scan(source: &str) -> Result<Vec<Comment>, Vec<Diagnostic>> {
    let mut comments = Vec::new();
    let bytes = source.as_bytes();
    let mut i = 0;
    let mut parens: u32 = 0;
    let mut conditionals: u32 = 0;
    while i < bytes.len() {
        let rest = &source[i..];
        if let Some(body) = rest.strip_prefix("/*") {
            match body.find("*/") {
                Some(end) => {
                    let stop = i + 2 + end + 2;
                    comments.push(Comment {
                        text: source[i..stop].to_string(),
                        span: Span::new(i, stop),
                    });
                    i = stop;
                }
                None => {
                    return Err(vec![Diagnostic::error(
                        "E002",
                        Span::new(i, i + 2),
                        "comentário não terminado",
                    )
                    .with_help("feche o comentário com `*/`")])
                }
            }
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        let closing = match c {
            '\'' => Some('\''),
            '"' => Some('"'),
            '‘' => Some('’'),
            '“' => Some('”'),
            _ => None,
        };
        if let Some(close) = closing {
            let open_len = c.len_utf8();
            match rest[open_len..].find(close) {
                Some(end) => i += open_len + end + close.len_utf8(),
                None => {
                    return Err(vec![Diagnostic::error(
                        "E003",
                        Span::new(i, i + open_len),
                        "texto não terminado",
                    )
                    .with_help(format!("feche o texto com {close}"))])
                }
            }
            continue;
        }
        if c.is_ascii_alphabetic() || c == '_' {
            let len = rest
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                .unwrap_or(rest.len());
            let word = &rest[..len];
            if word.eq_ignore_ascii_case("SE") {
                conditionals += 1;
            } else if word.eq_ignore_ascii_case("FIMSE") {
                conditionals = conditionals.saturating_sub(1);
            }
            i += len;
        } else {
            match c {
                '(' => parens += 1,
                ')' => parens = parens.saturating_sub(1),
                ';' => conditionals = 0,
                _ => {}
            }
            i += c.len_utf8();
        }
        if parens + conditionals > MAX_DEPTH {
            return Err(vec![depth_error(Span::new(i.saturating_sub(1), i))]);
        }
    }
    Ok(comments)
}

fn depth_error(span: Span) -> Diagnostic {
    Diagnostic::error(
        "E004",
        span,
        format!("aninhamento profundo demais (o limite é {MAX_DEPTH} níveis)"),
    )
    .with_help("divida a fórmula com variáveis locais (DECL/SETVAR)")
}

// ---------------------------------------------------------------------------------------
// 2. pest errors in Portuguese
// ---------------------------------------------------------------------------------------

/// Every grammar rule as a phrase an analyst understands. The match is exhaustive, so a rule
/// cannot be added to the grammar without a name here.
fn rule_phrase(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "o fim da fórmula",
        Rule::WHITESPACE => "espaço",
        Rule::COMMENT => "comentário",
        Rule::ident_char | Rule::ident => "um nome",
        Rule::a_tilde => "a letra A",
        Rule::kw_se => "SE",
        Rule::kw_entao => "ENTAO",
        Rule::kw_senao => "SENAO",
        Rule::kw_fimse | Rule::fimse | Rule::stray => "FIMSE",
        Rule::kw_e | Rule::op_and => "E",
        Rule::kw_ou | Rule::op_or => "OU",
        Rule::kw_nao | Rule::op_not => "NAO",
        Rule::kw_decl | Rule::decl => "DECL",
        Rule::keyword => "uma palavra-chave",
        Rule::number => "um número",
        Rule::string | Rule::sq_inner | Rule::dq_inner | Rule::cs_inner | Rule::cd_inner => {
            "um texto entre aspas"
        }
        Rule::op_ne => "<>",
        Rule::op_le => "<=",
        Rule::op_ge => ">=",
        Rule::op_eq => "=",
        Rule::op_lt => "<",
        Rule::op_gt => ">",
        Rule::op_add | Rule::op_pos => "+",
        Rule::op_sub | Rule::op_neg => "-",
        Rule::op_mul => "*",
        Rule::op_div => "/",
        Rule::infix => "um operador",
        Rule::prefix => "um operador prefixo",
        Rule::expr | Rule::operand => "uma expressão",
        Rule::paren => "(",
        Rule::call => "uma chamada de função",
        Rule::conditional => "SE",
        Rule::statement => "uma instrução",
        Rule::separator => ";",
        Rule::formula => "uma fórmula",
    }
}

fn syntax_error(source: &str, e: pest::error::Error<Rule>) -> Diagnostic {
    use pest::error::{ErrorVariant, InputLocation};
    let (start, end) = match e.location {
        InputLocation::Pos(p) => (p, p),
        InputLocation::Span((s, e)) => (s, e),
    };
    // Point at the token found, not at an empty position.
    let token_end = source
        .get(start..)
        .and_then(|rest| {
            let trimmed = rest.chars().next()?;
            if trimmed.is_ascii_alphanumeric() || trimmed == '_' {
                rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .or(Some(rest.len()))
            } else {
                Some(trimmed.len_utf8())
            }
        })
        .map(|len| start + len)
        .unwrap_or(end)
        .max(end);
    let found = match source.get(start..token_end) {
        Some(t) if !t.is_empty() => shown_token(t),
        _ => "o fim da fórmula".to_string(),
    };
    let message = match e.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut expected: Vec<&str> = positives
                .into_iter()
                .map(|r| match r {
                    Rule::op_or
                    | Rule::op_and
                    | Rule::op_ne
                    | Rule::op_le
                    | Rule::op_ge
                    | Rule::op_eq
                    | Rule::op_lt
                    | Rule::op_gt
                    | Rule::op_add
                    | Rule::op_sub
                    | Rule::op_mul
                    | Rule::op_div => "um operador",
                    r => rule_phrase(r),
                })
                .collect();
            expected.dedup();
            let mut seen = Vec::new();
            for x in expected {
                if !seen.contains(&x) {
                    seen.push(x);
                }
            }
            if seen.is_empty() {
                format!("sintaxe inválida: {found} inesperado")
            } else {
                format!(
                    "sintaxe inválida: esperado {}, encontrado {found}",
                    join_or(&seen)
                )
            }
        }
        ErrorVariant::CustomError { message } => format!("sintaxe inválida: {message}"),
    };
    let mut d = Diagnostic::error("E001", Span::new(start, token_end), message);
    if found.eq_ignore_ascii_case("`FIMSE`") {
        d = d.with_help("há um FIMSE sem SE correspondente");
    }
    d
}

fn join_or(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} ou {last}", init.join(", ")),
    }
}

// ---------------------------------------------------------------------------------------
// 3. Build
// ---------------------------------------------------------------------------------------

struct Builder {
    mode: Mode,
    diagnostics: Vec<Diagnostic>,
}

enum Token {
    Prefix(UnaryOp, Span),
    Operand(Expr, u32),
    Infix(BinaryOp, Span),
}

type Built = Result<(Expr, u32), Diagnostic>;

fn span_of(pair: &Pair<'_, Rule>) -> Span {
    let s = pair.as_span();
    Span::new(s.start(), s.end())
}

impl Builder {
    fn lenient_issue(&mut self, code: &'static str, span: Span, message: String, help: &str) {
        let d = match self.mode {
            Mode::Lenient => Diagnostic::warning(code, span, message),
            Mode::Strict => Diagnostic::error(code, span, message),
        };
        self.diagnostics.push(d.with_help(help));
    }

    fn statement(&mut self, pair: Pair<'_, Rule>) -> Result<Statement, Diagnostic> {
        let span = span_of(&pair);
        let mut inner = pair.into_inner();
        let first = inner
            .next()
            .ok_or_else(|| Diagnostic::error("E001", span, "instrução vazia"))?;
        let kind = match first.as_rule() {
            Rule::decl => StatementKind::Decl(
                first
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::ident)
                    .map(|p| Ident {
                        name: p.as_str().to_uppercase(),
                        span: span_of(&p),
                    })
                    .collect(),
            ),
            _ => StatementKind::Expr(self.expr(first, 0)?.0),
        };
        for stray in inner {
            self.lenient_issue(
                "W002",
                span_of(&stray),
                "FIMSE a mais, sem SE aberto; ignorado".to_string(),
                "remova este FIMSE",
            );
        }
        Ok(Statement { kind, span })
    }

    fn expr(&mut self, pair: Pair<'_, Rule>, depth: u32) -> Built {
        let span = span_of(&pair);
        if depth > MAX_DEPTH {
            return Err(depth_error(span));
        }
        let mut tokens = Vec::new();
        for p in pair.into_inner() {
            let s = span_of(&p);
            let token = match p.as_rule() {
                Rule::op_not => Token::Prefix(UnaryOp::Not, s),
                Rule::op_neg => Token::Prefix(UnaryOp::Neg, s),
                Rule::op_pos => Token::Prefix(UnaryOp::Pos, s),
                Rule::op_or => Token::Infix(BinaryOp::Or, s),
                Rule::op_and => Token::Infix(BinaryOp::And, s),
                Rule::op_eq => Token::Infix(BinaryOp::Eq, s),
                Rule::op_ne => Token::Infix(BinaryOp::Ne, s),
                Rule::op_lt => Token::Infix(BinaryOp::Lt, s),
                Rule::op_gt => Token::Infix(BinaryOp::Gt, s),
                Rule::op_le => Token::Infix(BinaryOp::Le, s),
                Rule::op_ge => Token::Infix(BinaryOp::Ge, s),
                Rule::op_add => Token::Infix(BinaryOp::Add, s),
                Rule::op_sub => Token::Infix(BinaryOp::Sub, s),
                Rule::op_mul => Token::Infix(BinaryOp::Mul, s),
                Rule::op_div => Token::Infix(BinaryOp::Div, s),
                _ => {
                    let (e, d) = self.operand(p, depth + 1)?;
                    Token::Operand(e, d)
                }
            };
            tokens.push(token);
        }
        let mut pos = 0;
        let built = self.climb(&mut tokens, &mut pos, 0, depth)?;
        if pos != tokens.len() {
            return Err(Diagnostic::error("E001", span, "sintaxe inválida"));
        }
        Ok(built)
    }

    /// Precedence climbing over the flat token list. `min` is the loosest operator accepted.
    fn climb(&mut self, tokens: &mut [Token], pos: &mut usize, min: u8, depth: u32) -> Built {
        if depth > MAX_DEPTH {
            let span = tokens.get(*pos).map(token_span).unwrap_or_default();
            return Err(depth_error(span));
        }
        let (mut lhs, mut lhs_depth) = self.unary(tokens, pos, depth)?;
        let mut last_comparison: Option<Span> = None;
        while let Some(Token::Infix(op, op_span)) = tokens.get(*pos) {
            let (op, op_span) = (*op, *op_span);
            let prec = op.precedence();
            if prec < min {
                break;
            }
            *pos += 1;
            if op.is_comparison() {
                if let Some(previous) = last_comparison {
                    self.diagnostics.push(
                        Diagnostic::error(
                            "E015",
                            previous.to(op_span),
                            "comparações não podem ser encadeadas",
                        )
                        .with_help("use E para juntar duas comparações: `a < b E b < c`"),
                    );
                }
                last_comparison = Some(op_span);
            }
            let (rhs, rhs_depth) = self.climb(tokens, pos, prec + 1, depth + 1)?;
            let d = if matches!(op, BinaryOp::And | BinaryOp::Or) {
                1 + condition_depth(&lhs, lhs_depth).max(condition_depth(&rhs, rhs_depth))
            } else {
                1 + lhs_depth.max(rhs_depth)
            };
            let span = lhs.span.to(rhs.span);
            if d > MAX_DEPTH {
                return Err(depth_error(span));
            }
            lhs = Expr {
                kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                span,
            };
            lhs_depth = d;
        }
        Ok((lhs, lhs_depth))
    }

    fn unary(&mut self, tokens: &mut [Token], pos: &mut usize, depth: u32) -> Built {
        match tokens.get(*pos) {
            Some(Token::Prefix(op, span)) => {
                let (op, span) = (*op, *span);
                *pos += 1;
                if depth > MAX_DEPTH {
                    return Err(depth_error(span));
                }
                let (operand, d) = match op {
                    UnaryOp::Not => self.climb(tokens, pos, NOT_PRECEDENCE, depth + 1)?,
                    _ => self.unary(tokens, pos, depth + 1)?,
                };
                let full = span.to(operand.span);
                let d = match op {
                    UnaryOp::Not => condition_depth(&operand, d) + 1,
                    _ => d + 1,
                };
                if d > MAX_DEPTH {
                    return Err(depth_error(full));
                }
                Ok((
                    Expr {
                        kind: ExprKind::Unary(op, Box::new(operand)),
                        span: full,
                    },
                    d,
                ))
            }
            Some(Token::Operand(..)) => {
                let placeholder = Token::Prefix(UnaryOp::Pos, Span::default());
                match std::mem::replace(&mut tokens[*pos], placeholder) {
                    Token::Operand(e, d) => {
                        *pos += 1;
                        Ok((e, d))
                    }
                    _ => Err(Diagnostic::error(
                        "E001",
                        Span::default(),
                        "sintaxe inválida",
                    )),
                }
            }
            Some(t) => Err(Diagnostic::error(
                "E001",
                token_span(t),
                "sintaxe inválida: esperado uma expressão",
            )),
            None => Err(Diagnostic::error(
                "E001",
                Span::default(),
                "sintaxe inválida: expressão incompleta",
            )),
        }
    }

    fn operand(&mut self, pair: Pair<'_, Rule>, depth: u32) -> Built {
        let span = span_of(&pair);
        if depth > MAX_DEPTH {
            return Err(depth_error(span));
        }
        match pair.as_rule() {
            Rule::number => {
                let value = crate::money::parse_decimal_exact(pair.as_str()).ok_or_else(|| {
                    Diagnostic::error(
                        "E021",
                        span,
                        "número com mais dígitos do que o motor guarda exatamente (até 28 dígitos significativos): seria arredondado",
                    )
                })?;
                Ok((
                    Expr {
                        kind: ExprKind::Number(value),
                        span,
                    },
                    1,
                ))
            }
            Rule::string => {
                let text = pair
                    .into_inner()
                    .next()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default();
                Ok((
                    Expr {
                        kind: ExprKind::Text(text),
                        span,
                    },
                    1,
                ))
            }
            Rule::ident => Ok((
                Expr {
                    kind: ExprKind::Name(pair.as_str().to_uppercase()),
                    span,
                },
                1,
            )),
            Rule::paren => {
                let inner = pair
                    .into_inner()
                    .next()
                    .ok_or_else(|| Diagnostic::error("E001", span, "parênteses vazios"))?;
                // The parentheses belong to the value: `(L*0.3)` shows whole in a diagnostic
                // or an explanation of the comparison it ends.
                let (mut e, d) = self.expr(inner, depth + 1)?;
                e.span = span;
                Ok((e, d))
            }
            Rule::call => {
                let mut inner = pair.into_inner();
                let name_pair = inner
                    .next()
                    .ok_or_else(|| Diagnostic::error("E001", span, "chamada sem nome"))?;
                let name = Ident {
                    name: name_pair.as_str().to_uppercase(),
                    span: span_of(&name_pair),
                };
                let mut args = Vec::new();
                let mut max = 0;
                for a in inner {
                    let (e, d) = self.expr(a, depth + 1)?;
                    max = max.max(d);
                    args.push(e);
                }
                if max + 1 > MAX_DEPTH {
                    return Err(depth_error(span));
                }
                Ok((
                    Expr {
                        kind: ExprKind::Call(name, args),
                        span,
                    },
                    max + 1,
                ))
            }
            Rule::conditional => {
                let mut cond = None;
                let mut then = None;
                let mut otherwise = None;
                let mut closed = false;
                let mut se_span = span;
                let mut max = 0;
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::kw_se => se_span = span_of(&p),
                        Rule::expr => {
                            let (e, d) = self.expr(p, depth + 1)?;
                            let d = if cond.is_none() {
                                condition_depth(&e, d)
                            } else {
                                d
                            };
                            max = max.max(d);
                            if cond.is_none() {
                                cond = Some(e);
                            } else if then.is_none() {
                                then = Some(e);
                            } else {
                                otherwise = Some(e);
                            }
                        }
                        Rule::fimse => closed = true,
                        _ => {}
                    }
                }
                let (Some(cond), Some(then)) = (cond, then) else {
                    return Err(Diagnostic::error("E001", span, "SE incompleto"));
                };
                if max + 1 > MAX_DEPTH {
                    return Err(depth_error(span));
                }
                if !closed {
                    self.lenient_issue(
                        "W001",
                        se_span,
                        "SE sem FIMSE; fechado implicitamente no fim da instrução".to_string(),
                        "acrescente FIMSE ao fim deste SE",
                    );
                }
                Ok((
                    Expr {
                        kind: ExprKind::If(Box::new(IfExpr {
                            cond,
                            then,
                            otherwise,
                            closed,
                        })),
                        span,
                    },
                    max + 1,
                ))
            }
            Rule::expr => self.expr(pair, depth + 1),
            _ => Err(Diagnostic::error("E001", span, "sintaxe inválida")),
        }
    }
}

/// Depth of an expression in a boolean position: one more when it is a number, because
/// `fmt` writes such a condition out as `x <> 0`; so a formatted formula is never deeper than
/// the formula it came from.
fn condition_depth(e: &Expr, depth: u32) -> u32 {
    if super::fmt::is_boolean(e) {
        depth
    } else {
        depth + 1
    }
}

fn token_span(t: &Token) -> Span {
    match t {
        Token::Prefix(_, s) | Token::Infix(_, s) => *s,
        Token::Operand(e, _) => e.span,
    }
}

/// A token as a message shows it: between backquotes, except an invisible or control character
/// (NUL, tab, U+000B, U+2028, U+200B, a BOM, NBSP…), which is named by its code point so that
/// the message never reads "encontrado ``".
fn shown_token(token: &str) -> String {
    let mut chars = token.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if invisible(c) => {
            let name = match c {
                '\u{0}' => " (NUL)",
                '\t' => " (tabulação)",
                '\u{a0}' => " (espaço não separável)",
                '\u{200b}' => " (espaço de largura zero)",
                '\u{2028}' => " (separador de linha)",
                '\u{2029}' => " (separador de parágrafo)",
                '\u{feff}' => " (BOM)",
                _ => "",
            };
            format!(
                "o caractere invisível U+{:04X}{name}: apague-o",
                u32::from(c)
            )
        }
        _ => format!("`{token}`"),
    }
}

/// Is `c` a character a reader cannot see (control, format or an unusual space)?
fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{a0}' | '\u{ad}' | '\u{2000}'..='\u{200f}' | '\u{2028}'..='\u{202f}' | '\u{205f}'..='\u{206f}' | '\u{feff}' | '\u{3000}')
}

#[cfg(test)]
mod shown_tests {
    use super::*;

    #[test]
    fn invisible_characters_are_named() {
        assert_eq!(shown_token("X"), "`X`");
        for (c, code) in [
            ('\u{0}', "U+0000"),
            ('\u{b}', "U+000B"),
            ('\u{2028}', "U+2028"),
            ('\u{200b}', "U+200B"),
            ('\u{feff}', "U+FEFF"),
        ] {
            let shown = shown_token(&c.to_string());
            assert!(shown.contains(code) && !shown.contains('`'), "{shown}");
        }
    }
}
