//! The canonical layout of a formula (`consignado fmt`):
//!
//! - keywords and names upper-case, accents dropped (`ENTAO`, `SENAO`, `NAO`);
//! - a statement per line, each ending in `;`;
//! - a conditional that is a statement or a branch is laid out as a block, one level of
//!   indentation (two spaces) per nesting, with its `FIMSE` always written (balanced);
//!   a conditional inside an operation stays on one line;
//! - single spaces around binary operators, `, ` between arguments, only the parentheses the
//!   precedence needs;
//! - a number used as a condition (accepted in lenient mode) is written as `… <> 0`, which
//!   has the same value and passes strict mode;
//! - comments are kept, each on its own line before the statement it was in or before.
//!
//! The layout is idempotent and never changes the value of a formula (both are tested).

use super::ast::*;

const INDENT: &str = "  ";

/// Formats a parsed formula.
pub fn format(formula: &Formula) -> String {
    let mut out = String::new();
    let mut comments = formula.comments.iter().peekable();
    for statement in &formula.statements {
        while let Some(c) = comments.peek() {
            if c.span.start < statement.span.end {
                out.push_str(&c.text);
                out.push('\n');
                comments.next();
            } else {
                break;
            }
        }
        match &statement.kind {
            StatementKind::Decl(names) => {
                out.push_str("DECL ");
                out.push_str(
                    &names
                        .iter()
                        .map(|n| n.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                );
            }
            StatementKind::Expr(e) => block(&mut out, e, 0),
        }
        out.push_str(";\n");
    }
    for c in comments {
        out.push_str(&c.text);
        out.push('\n');
    }
    out
}

fn block(out: &mut String, e: &Expr, level: usize) {
    match &e.kind {
        ExprKind::If(i) => {
            out.push_str("SE ");
            condition(out, &i.cond);
            out.push_str(" ENTAO\n");
            branch(out, &i.then, level + 1);
            if let Some(o) = &i.otherwise {
                indent(out, level);
                out.push_str("SENAO\n");
                branch(out, o, level + 1);
            }
            indent(out, level);
            out.push_str("FIMSE");
        }
        _ => inline(out, e, 0),
    }
}

fn branch(out: &mut String, e: &Expr, level: usize) {
    indent(out, level);
    block(out, e, level);
    out.push('\n');
}

fn indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str(INDENT);
    }
}

/// Whether an expression is boolean by its shape (comparisons, `E`, `OU`, `NAO`, or a
/// conditional whose `ENTAO` is boolean). Anything else used as a condition is a number.
pub(crate) fn is_boolean(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Binary(op, _, _) => {
            op.is_comparison() || matches!(op, BinaryOp::And | BinaryOp::Or)
        }
        ExprKind::Unary(UnaryOp::Not, _) => true,
        ExprKind::If(i) => is_boolean(&i.then),
        _ => false,
    }
}

/// Writes an expression in a boolean position, making a numeric condition explicit.
fn condition(out: &mut String, e: &Expr) {
    if is_boolean(e) {
        boolean_inline(out, e, 0);
    } else {
        inline(out, e, BinaryOp::Ne.precedence() + 1);
        out.push_str(" <> 0");
    }
}

/// Like [`inline`], but the operands of `E`, `OU` and `NAO` are themselves conditions.
fn boolean_inline(out: &mut String, e: &Expr, min: u8) {
    let paren = e.precedence() < min;
    if paren {
        out.push('(');
    }
    match &e.kind {
        ExprKind::Binary(op @ (BinaryOp::And | BinaryOp::Or), l, r) => {
            operand_condition(out, l, op.precedence());
            out.push(' ');
            out.push_str(op.symbol());
            out.push(' ');
            operand_condition(out, r, op.precedence() + 1);
        }
        ExprKind::Unary(UnaryOp::Not, x) => {
            out.push_str("NAO ");
            operand_condition(out, x, NOT_PRECEDENCE);
        }
        _ => inline(out, e, 0),
    }
    if paren {
        out.push(')');
    }
}

fn operand_condition(out: &mut String, e: &Expr, min: u8) {
    if is_boolean(e) {
        boolean_inline(out, e, min);
    } else {
        // `x <> 0` has comparison precedence; parenthesise it where that is too loose.
        let paren = BinaryOp::Ne.precedence() < min;
        if paren {
            out.push('(');
        }
        inline(out, e, BinaryOp::Ne.precedence() + 1);
        out.push_str(" <> 0");
        if paren {
            out.push(')');
        }
    }
}

fn inline(out: &mut String, e: &Expr, min: u8) {
    let paren = e.precedence() < min;
    if paren {
        out.push('(');
    }
    match &e.kind {
        ExprKind::Number(n) => out.push_str(&n.to_string()),
        ExprKind::Text(t) => text(out, t),
        ExprKind::Name(n) => out.push_str(n),
        ExprKind::Unary(op, x) => match op {
            UnaryOp::Not => {
                out.push_str("NAO ");
                operand_condition(out, x, NOT_PRECEDENCE);
            }
            UnaryOp::Neg | UnaryOp::Pos => {
                out.push(if *op == UnaryOp::Neg { '-' } else { '+' });
                if matches!(x.kind, ExprKind::Unary(UnaryOp::Neg | UnaryOp::Pos, _)) {
                    out.push(' ');
                }
                inline(out, x, UNARY_PRECEDENCE);
            }
        },
        ExprKind::Binary(op, l, r) => {
            if matches!(op, BinaryOp::And | BinaryOp::Or) {
                boolean_inline(out, e, 0);
            } else {
                let p = op.precedence();
                let left_min = if op.is_comparison() { p + 1 } else { p };
                inline(out, l, left_min);
                out.push(' ');
                out.push_str(op.symbol());
                out.push(' ');
                inline(out, r, p + 1);
            }
        }
        ExprKind::Call(name, args) => {
            out.push_str(&name.name);
            out.push('(');
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                inline(out, a, 0);
            }
            out.push(')');
        }
        ExprKind::If(i) => {
            out.push_str("SE ");
            condition(out, &i.cond);
            out.push_str(" ENTAO ");
            inline(out, &i.then, 0);
            if let Some(o) = &i.otherwise {
                out.push_str(" SENAO ");
                inline(out, o, 0);
            }
            out.push_str(" FIMSE");
        }
    }
    if paren {
        out.push(')');
    }
}

/// Writes a text literal. The language has no escapes, so the quotes are chosen among the
/// four pairs it accepts as the first whose closing quote the text does not contain; a
/// parsed text never contains all four, since its own closing quote ended it.
fn text(out: &mut String, t: &str) {
    let pairs = [('\'', '\''), ('"', '"'), ('‘', '’'), ('“', '”')];
    let (open, close) = pairs
        .into_iter()
        .find(|(_, close)| !t.contains(*close))
        .unwrap_or(('\'', '\''));
    out.push(open);
    out.push_str(t);
    out.push(close);
}
