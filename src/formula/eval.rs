//! The evaluator: walks the compiled program ([`super::ir`]) with checked `Decimal`
//! arithmetic. It is generic over the host's [`Context`] and over a [`Tracer`]: with
//! [`NoTrace`] every tracing call compiles away, so `evaluate` performs no heap allocation;
//! `explain` runs the very same code with a recording tracer.

use super::ir::{Arith, Bool, Builtin, Cmp, Num, Stmt};
use super::span::Span;
use super::trace::{Recorder, TraceKind};
use super::{Context, EvalError, Value};
use crate::money::{round_dp, RoundingMode};
use rust_decimal::Decimal;

/// Receives the evaluation as it happens. Implemented by [`NoTrace`] (nothing) and by the
/// explanation recorder.
pub(crate) trait Tracer {
    /// Whether anything is recorded (lets the compiler drop the calls).
    const ENABLED: bool;
    /// A node begins.
    fn enter(&mut self, kind: TraceKind, span: Span);
    /// The innermost open node ends with this value.
    fn leave(&mut self, value: Option<Value>);
}

/// The tracer that records nothing.
pub(crate) struct NoTrace;

impl Tracer for NoTrace {
    const ENABLED: bool = false;
    #[inline(always)]
    fn enter(&mut self, _: TraceKind, _: Span) {}
    #[inline(always)]
    fn leave(&mut self, _: Option<Value>) {}
}

impl Tracer for Recorder<'_> {
    const ENABLED: bool = true;
    fn enter(&mut self, kind: TraceKind, span: Span) {
        self.open(kind, span);
    }
    fn leave(&mut self, value: Option<Value>) {
        self.close(value);
    }
}

pub(crate) struct Machine<'a, C: Context + ?Sized, T: Tracer> {
    pub ctx: &'a C,
    pub events: &'a [String],
    pub variables: &'a [String],
    pub locals: &'a mut [Option<Decimal>],
    pub tracer: T,
}

type R<T> = Result<T, EvalError>;

fn integer(value: Decimal, span: Span, what: &str) -> R<i64> {
    if value.fract().is_zero() {
        if let Ok(i) = i64::try_from(value) {
            return Ok(i);
        }
    }
    Err(EvalError::new(
        "E035",
        span,
        format!("{what} deve ser um número inteiro, mas vale {value}"),
    ))
}

fn month(value: Decimal, span: Span) -> R<u32> {
    let m = integer(value, span, "o mês")?;
    if (1..=12).contains(&m) {
        Ok(m as u32)
    } else {
        Err(EvalError::new(
            "E032",
            span,
            format!("mês {m} fora de 1..12"),
        ))
    }
}

fn overflow(span: Span, op: &str, a: Decimal, b: Decimal) -> EvalError {
    EvalError::new(
        "E031",
        span,
        format!("estouro da faixa decimal em {a} {op} {b}"),
    )
}

impl<C: Context + ?Sized, T: Tracer> Machine<'_, C, T> {
    pub(crate) fn run(&mut self, statements: &[Stmt]) -> R<Value> {
        let mut last = Value::Number(Decimal::ZERO);
        for s in statements {
            last = match s {
                Stmt::Num(n) => Value::Number(self.num(n)?),
                Stmt::Bool(b) => Value::Bool(self.bool(b)?),
                Stmt::Decl => Value::Number(Decimal::ZERO),
            };
        }
        Ok(last)
    }

    #[inline]
    fn traced_lookup(&mut self, kind: TraceKind, span: Span, value: Decimal) -> Decimal {
        if T::ENABLED {
            self.tracer.enter(kind, span);
            self.tracer.leave(Some(Value::Number(value)));
        }
        value
    }

    pub(crate) fn num(&mut self, n: &Num) -> R<Decimal> {
        match n {
            Num::Const(v) => Ok(*v),
            Num::Event(slot, span) => {
                let code = self.events.get(*slot as usize).map_or("", String::as_str);
                let v = self.ctx.event(*slot as usize, code);
                Ok(self.traced_lookup(TraceKind::Event, *span, v))
            }
            Num::Var(slot, span) => {
                let name = self
                    .variables
                    .get(*slot as usize)
                    .map_or("", String::as_str);
                match self.ctx.variable(*slot as usize, name) {
                    Some(v) => Ok(self.traced_lookup(TraceKind::Variable, *span, v)),
                    None => Err(EvalError::new(
                        "E034",
                        *span,
                        format!("variável `{name}` não informada no contexto"),
                    )),
                }
            }
            Num::Local(i, span) => match self.locals.get(*i as usize).copied().flatten() {
                Some(v) => Ok(self.traced_lookup(TraceKind::Local, *span, v)),
                None => Err(EvalError::new(
                    "E033",
                    *span,
                    "variável local lida antes de receber valor (use SETVAR antes)",
                )),
            },
            Num::Mes(span) => {
                let v = Decimal::from(self.ctx.competencia().1);
                Ok(self.traced_lookup(TraceKind::Builtin, *span, v))
            }
            Num::Ano(span) => {
                let v = Decimal::from(self.ctx.competencia().0);
                Ok(self.traced_lookup(TraceKind::Builtin, *span, v))
            }
            Num::Periodo(span) => match self.ctx.periodo() {
                Some(p) => Ok(self.traced_lookup(TraceKind::Builtin, *span, Decimal::from(p))),
                None => Err(EvalError::new(
                    "E016",
                    *span,
                    "PERIODO não definido: informe o número do período da folha mensal",
                )),
            },
            Num::Neg(inner) => Ok(-self.num(inner)?),
            Num::Arith(op, a, b, span) => {
                let x = self.num(a)?;
                let y = self.num(b)?;
                match op {
                    Arith::Add => x.checked_add(y).ok_or_else(|| overflow(*span, "+", x, y)),
                    Arith::Sub => x.checked_sub(y).ok_or_else(|| overflow(*span, "-", x, y)),
                    Arith::Mul => x.checked_mul(y).ok_or_else(|| overflow(*span, "*", x, y)),
                    Arith::Div => {
                        if y.is_zero() {
                            Err(EvalError::new(
                                "E030",
                                *span,
                                format!("divisão por zero ({x} / 0)"),
                            ))
                        } else {
                            x.checked_div(y).ok_or_else(|| overflow(*span, "/", x, y))
                        }
                    }
                }
            }
            Num::If(cond, then, otherwise, span) => {
                if T::ENABLED {
                    self.tracer.enter(TraceKind::If, *span);
                }
                let c = self.condition(cond)?;
                let v = if c {
                    if T::ENABLED {
                        self.tracer.enter(TraceKind::Then, *span);
                    }
                    self.num(then)?
                } else {
                    if T::ENABLED {
                        self.tracer.enter(
                            if otherwise.is_some() {
                                TraceKind::Else
                            } else {
                                TraceKind::NoElse
                            },
                            *span,
                        );
                    }
                    match otherwise {
                        Some(o) => self.num(o)?,
                        None => Decimal::ZERO,
                    }
                };
                if T::ENABLED {
                    self.tracer.leave(Some(Value::Number(v)));
                    self.tracer.leave(Some(Value::Number(v)));
                }
                Ok(v)
            }
            Num::SetVar(i, value, span) => {
                if T::ENABLED {
                    self.tracer.enter(TraceKind::SetVar, *span);
                }
                let v = self.num(value)?;
                if let Some(slot) = self.locals.get_mut(*i as usize) {
                    *slot = Some(v);
                }
                if T::ENABLED {
                    self.tracer.leave(Some(Value::Number(v)));
                }
                Ok(v)
            }
            Num::LiquidoOff(args, span) => {
                if T::ENABLED {
                    self.tracer.enter(TraceKind::History, *span);
                }
                let [a, m, p] = &**args;
                let ano = integer(self.num(a)?, *span, "o ano")?;
                let mes = month(self.num(m)?, *span)?;
                let periodo = integer(self.num(p)?, *span, "o período")?;
                let v = self.ctx.liquido_off(ano, mes, periodo);
                if T::ENABLED {
                    self.tracer.leave(Some(Value::Number(v)));
                }
                Ok(v)
            }
            Num::Call(f, args, span) => {
                if T::ENABLED {
                    self.tracer.enter(TraceKind::Function, *span);
                }
                let v = self.builtin(*f, args, *span)?;
                if T::ENABLED {
                    self.tracer.leave(Some(Value::Number(v)));
                }
                Ok(v)
            }
        }
    }

    fn builtin(&mut self, f: Builtin, args: &[Num], span: Span) -> R<Decimal> {
        let first = match args.first() {
            Some(a) => self.num(a)?,
            None => return Ok(Decimal::ZERO),
        };
        match f {
            Builtin::Arred => Ok(round_dp(first, 0, RoundingMode::HalfUp)),
            Builtin::Abs => Ok(first.abs()),
            Builtin::Arredonda => {
                let places = match args.get(1) {
                    Some(a) => integer(self.num(a)?, span, "o número de casas")?,
                    None => 0,
                };
                if !(0..=28).contains(&places) {
                    return Err(EvalError::new(
                        "E035",
                        span,
                        format!("número de casas {places} fora de 0..28"),
                    ));
                }
                Ok(round_dp(first, places as u32, RoundingMode::HalfUp))
            }
            Builtin::IncMes | Builtin::DecMes => {
                let m = i64::from(month(first, span)?);
                let n = match args.get(1) {
                    Some(a) => integer(self.num(a)?, span, "o número de meses")?,
                    None => 0,
                };
                let n = if f == Builtin::DecMes {
                    n.checked_neg()
                } else {
                    Some(n)
                };
                let total = n
                    .and_then(|n| (m - 1).checked_add(n))
                    .ok_or_else(|| EvalError::new("E031", span, "número de meses grande demais"))?;
                Ok(Decimal::from(total.rem_euclid(12) + 1))
            }
            Builtin::IncAno => {
                let m = i64::from(month(first, span)?);
                let (ano, n) = match (args.get(1), args.get(2)) {
                    (Some(a), Some(b)) => (
                        integer(self.num(a)?, span, "o ano")?,
                        integer(self.num(b)?, span, "o número de meses")?,
                    ),
                    _ => return Ok(Decimal::ZERO),
                };
                let total = (m - 1)
                    .checked_add(n)
                    .and_then(|t| ano.checked_add(t.div_euclid(12)))
                    .ok_or_else(|| EvalError::new("E031", span, "ano fora da faixa"))?;
                Ok(Decimal::from(total))
            }
            Builtin::Min | Builtin::Max => {
                let mut best = first;
                for a in &args[1..] {
                    let v = self.num(a)?;
                    if (f == Builtin::Min && v < best) || (f == Builtin::Max && v > best) {
                        best = v;
                    }
                }
                Ok(best)
            }
        }
    }

    fn condition(&mut self, b: &Bool) -> R<bool> {
        if T::ENABLED {
            self.tracer.enter(TraceKind::Condition, bool_span(b));
            let v = self.bool(b)?;
            self.tracer.leave(Some(Value::Bool(v)));
            Ok(v)
        } else {
            self.bool(b)
        }
    }

    pub(crate) fn bool(&mut self, b: &Bool) -> R<bool> {
        match b {
            Bool::Cmp(op, x, y, _) => {
                let a = self.num(x)?;
                let c = self.num(y)?;
                Ok(match op {
                    Cmp::Eq => a == c,
                    Cmp::Ne => a != c,
                    Cmp::Lt => a < c,
                    Cmp::Gt => a > c,
                    Cmp::Le => a <= c,
                    Cmp::Ge => a >= c,
                })
            }
            // Short-circuit: the right side (often a LIQUIDOFF look-up) is skipped when the
            // left side decides.
            Bool::And(x, y) => Ok(self.bool(x)? && self.bool(y)?),
            Bool::Or(x, y) => Ok(self.bool(x)? || self.bool(y)?),
            Bool::Not(x) => Ok(!self.bool(x)?),
            Bool::NonZero(n, _) => Ok(!self.num(n)?.is_zero()),
            Bool::If(cond, then, otherwise, span) => {
                if T::ENABLED {
                    self.tracer.enter(TraceKind::If, *span);
                }
                let c = self.condition(cond)?;
                if T::ENABLED {
                    self.tracer
                        .enter(if c { TraceKind::Then } else { TraceKind::Else }, *span);
                }
                let v = if c {
                    self.bool(then)?
                } else {
                    self.bool(otherwise)?
                };
                if T::ENABLED {
                    self.tracer.leave(Some(Value::Bool(v)));
                    self.tracer.leave(Some(Value::Bool(v)));
                }
                Ok(v)
            }
        }
    }
}

/// The source span of a boolean node (for the explanation of a condition).
pub(crate) fn bool_span(b: &Bool) -> Span {
    match b {
        Bool::Cmp(_, _, _, s) | Bool::NonZero(_, s) | Bool::If(_, _, _, s) => *s,
        Bool::And(x, y) | Bool::Or(x, y) => bool_span(x).to(bool_span(y)),
        Bool::Not(x) => bool_span(x),
    }
}
