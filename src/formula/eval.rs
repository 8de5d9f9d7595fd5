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
    /// The first error; once set, every node returns at once with a dummy value.
    pub error: Option<EvalError>,
}

/// Evaluates `$e`; if it failed, returns at once (the error is in `self.error`).
macro_rules! t {
    ($self:ident, $e:expr) => {{
        let v = $e;
        if $self.error.is_some() {
            return Default::default();
        }
        v
    }};
}

type R<T> = Result<T, EvalError>;

#[inline]
fn integer(value: Decimal, span: Span, what: &str) -> R<i64> {
    // ANO, MES, PERIODO and integer constants have scale 0: no fraction to look for.
    if value.scale() == 0 {
        if let Ok(i) = i64::try_from(value) {
            return Ok(i);
        }
    }
    integer_slow(value, span, what)
}

/// Zero is never negative (`-C('X')` of an absent event, `0 * -1`): a negative zero would print
/// as `-0`.
#[inline]
fn positive_zero(mut d: Decimal) -> Decimal {
    if d.is_zero() {
        d.set_sign_positive(true);
    }
    d
}

#[inline(never)]
fn integer_slow(value: Decimal, span: Span, what: &str) -> R<i64> {
    if !value.fract().is_zero() {
        return Err(EvalError::new(
            "E035",
            span,
            format!("{what} deve ser um número inteiro, mas vale {value}"),
        ));
    }
    i64::try_from(value).map_err(|_| {
        EvalError::new(
            "E035",
            span,
            format!("{what} vale {value}, inteiro grande demais (fora do intervalo aceito)"),
        )
    })
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

#[cold]
#[inline(never)]
fn missing_variable(name: &str, span: Span) -> EvalError {
    EvalError::new(
        "E034",
        span,
        format!("variável `{name}` não informada no contexto"),
    )
}

#[cold]
#[inline(never)]
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
                Stmt::Num(n) => Value::Number(self.operand(n)),
                Stmt::Bool(b) => Value::Bool(self.bool(b)),
                Stmt::Decl => Value::Number(Decimal::ZERO),
            };
            if let Some(e) = self.error.take() {
                return Err(e);
            }
        }
        Ok(last)
    }

    #[cold]
    #[inline(never)]
    fn fail(&mut self, e: EvalError) {
        if self.error.is_none() {
            self.error = Some(e);
        }
    }

    /// Unwraps `r`, or records its error (the caller then returns at once through `t!`).
    #[inline(always)]
    fn ok<V: Default>(&mut self, r: R<V>) -> V {
        match r {
            Ok(v) => v,
            Err(e) => {
                self.fail(e);
                V::default()
            }
        }
    }

    #[inline]
    fn traced_lookup(&mut self, kind: TraceKind, span: Span, value: Decimal) -> Decimal {
        if T::ENABLED {
            self.tracer.enter(kind, span);
            self.tracer.leave(Some(Value::Number(value)));
        }
        value
    }

    /// Leaves (constants, events, variables) evaluated in place, without a call to the big
    /// recursive `num`; anything else recurses.
    #[inline(always)]
    fn operand(&mut self, n: &Num) -> Decimal {
        match n {
            Num::Const(v) => *v,
            Num::Event(slot, span) => {
                let code = self.events.get(*slot as usize).map_or("", String::as_str);
                let v = self.ctx.event(*slot as usize, code);
                self.traced_lookup(TraceKind::Event, *span, v)
            }
            Num::Var(slot, span) => {
                let name = self
                    .variables
                    .get(*slot as usize)
                    .map_or("", String::as_str);
                match self.ctx.variable(*slot as usize, name) {
                    Some(v) => self.traced_lookup(TraceKind::Variable, *span, v),
                    None => {
                        self.fail(missing_variable(name, *span));
                        Decimal::ZERO
                    }
                }
            }
            _ => self.num(n),
        }
    }

    pub(crate) fn num(&mut self, n: &Num) -> Decimal {
        match n {
            Num::Const(_) | Num::Event(..) | Num::Var(..) => self.operand(n),
            Num::Local(i, span) => match self.locals.get(*i as usize).copied().flatten() {
                Some(v) => self.traced_lookup(TraceKind::Local, *span, v),
                None => {
                    self.fail(EvalError::new(
                        "E033",
                        *span,
                        "variável local lida antes de receber valor (use SETVAR antes)",
                    ));
                    Decimal::ZERO
                }
            },
            Num::Mes(span) => {
                let v = Decimal::from(self.ctx.competencia().1);
                self.traced_lookup(TraceKind::Builtin, *span, v)
            }
            Num::Ano(span) => {
                let v = Decimal::from(self.ctx.competencia().0);
                self.traced_lookup(TraceKind::Builtin, *span, v)
            }
            Num::Periodo(span) => match self.ctx.periodo() {
                Some(p) => self.traced_lookup(TraceKind::Builtin, *span, Decimal::from(p)),
                None => {
                    self.fail(EvalError::new(
                        "E016",
                        *span,
                        "PERIODO não definido: informe o número do período da folha mensal",
                    ));
                    Decimal::ZERO
                }
            },
            Num::Neg(inner) => positive_zero(-t!(self, self.num(inner))),
            Num::Arith(op, a, b, span) => {
                let x = t!(self, self.operand(a));
                let y = t!(self, self.operand(b));
                let r = match op {
                    Arith::Add => x.checked_add(y).ok_or_else(|| overflow(*span, "+", x, y)),
                    Arith::Sub => x.checked_sub(y).ok_or_else(|| overflow(*span, "-", x, y)),
                    Arith::Mul => x.checked_mul(y).ok_or_else(|| overflow(*span, "*", x, y)),
                    Arith::Div => {
                        if y.is_zero() {
                            Err(division_by_zero(*span, x))
                        } else {
                            x.checked_div(y).ok_or_else(|| overflow(*span, "/", x, y))
                        }
                    }
                };
                self.ok(r.map(positive_zero))
            }
            Num::If(cond, then, otherwise, span) => {
                if T::ENABLED {
                    self.tracer.enter(TraceKind::If, *span);
                }
                let c = t!(self, self.condition(cond));
                let v = if c {
                    if T::ENABLED {
                        self.tracer.enter(TraceKind::Then, *span);
                    }
                    t!(self, self.operand(then))
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
                        Some(o) => t!(self, self.operand(o)),
                        None => Decimal::ZERO,
                    }
                };
                if T::ENABLED {
                    self.tracer.leave(Some(Value::Number(v)));
                    self.tracer.leave(Some(Value::Number(v)));
                }
                v
            }
            Num::SetVar(i, value, span) => {
                if T::ENABLED {
                    self.tracer.enter(TraceKind::SetVar, *span);
                }
                let v = t!(self, self.num(value));
                if let Some(slot) = self.locals.get_mut(*i as usize) {
                    *slot = Some(v);
                }
                if T::ENABLED {
                    self.tracer.leave(Some(Value::Number(v)));
                }
                v
            }
            Num::LiquidoOff(args, span) => {
                if T::ENABLED {
                    self.tracer.enter(TraceKind::History, *span);
                }
                let [a, m, p] = &**args;
                let a = t!(self, self.num(a));
                let ano = t!(self, self.ok(integer(a, *span, "o ano")));
                let m = t!(self, self.num(m));
                let mes = t!(self, self.ok(month(m, *span)));
                let p = t!(self, self.num(p));
                let periodo = t!(self, self.ok(integer(p, *span, "o período")));
                let v = self.ctx.liquido_off(ano, mes, periodo);
                if T::ENABLED {
                    self.tracer.leave(Some(Value::Number(v)));
                }
                v
            }
            Num::Call(f, args, span) => {
                if T::ENABLED {
                    self.tracer.enter(TraceKind::Function, *span);
                }
                let v = t!(self, self.builtin(*f, args, *span));
                if T::ENABLED {
                    self.tracer.leave(Some(Value::Number(v)));
                }
                v
            }
        }
    }

    #[inline(never)]
    fn builtin(&mut self, f: Builtin, args: &[Num], span: Span) -> Decimal {
        let r = self.builtin_r(f, args, span);
        self.ok(r)
    }

    /// The built-ins, with `Result` (rare and not on the hot path).
    fn builtin_r(&mut self, f: Builtin, args: &[Num], span: Span) -> R<Decimal> {
        macro_rules! n {
            ($e:expr) => {{
                let v = self.num($e);
                if let Some(e) = self.error.take() {
                    return Err(e);
                }
                v
            }};
        }
        let first = match args.first() {
            Some(a) => n!(a),
            None => return Ok(Decimal::ZERO),
        };
        match f {
            Builtin::Arred => Ok(round_dp(first, 0, RoundingMode::HalfUp)),
            Builtin::Abs => Ok(first.abs()),
            Builtin::Arredonda => {
                let places = match args.get(1) {
                    Some(a) => integer(n!(a), span, "o número de casas")?,
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
                    Some(a) => integer(n!(a), span, "o número de meses")?,
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
                        integer(n!(a), span, "o ano")?,
                        integer(n!(b), span, "o número de meses")?,
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
                    let v = n!(a);
                    if (f == Builtin::Min && v < best) || (f == Builtin::Max && v > best) {
                        best = v;
                    }
                }
                Ok(best)
            }
        }
    }

    fn condition(&mut self, b: &Bool) -> bool {
        if T::ENABLED {
            self.tracer.enter(TraceKind::Condition, bool_span(b));
            let v = t!(self, self.bool(b));
            self.tracer.leave(Some(Value::Bool(v)));
            v
        } else {
            self.bool(b)
        }
    }

    pub(crate) fn bool(&mut self, b: &Bool) -> bool {
        match b {
            Bool::Cmp(op, x, y, _) => {
                let a = t!(self, self.operand(x));
                let c = t!(self, self.operand(y));
                match op {
                    Cmp::Eq => a == c,
                    Cmp::Ne => a != c,
                    Cmp::Lt => a < c,
                    Cmp::Gt => a > c,
                    Cmp::Le => a <= c,
                    Cmp::Ge => a >= c,
                }
            }
            // Short-circuit: the right side (often a LIQUIDOFF look-up) is skipped when the
            // left side decides.
            Bool::And(x, y) => t!(self, self.bool(x)) && t!(self, self.bool(y)),
            Bool::Or(x, y) => t!(self, self.bool(x)) || t!(self, self.bool(y)),
            Bool::Not(x) => !t!(self, self.bool(x)),
            Bool::NonZero(n, _) => !t!(self, self.num(n)).is_zero(),
            Bool::If(cond, then, otherwise, span) => {
                if T::ENABLED {
                    self.tracer.enter(TraceKind::If, *span);
                }
                let c = t!(self, self.condition(cond));
                if T::ENABLED {
                    self.tracer
                        .enter(if c { TraceKind::Then } else { TraceKind::Else }, *span);
                }
                let v = if c {
                    t!(self, self.bool(then))
                } else {
                    t!(self, self.bool(otherwise))
                };
                if T::ENABLED {
                    self.tracer.leave(Some(Value::Bool(v)));
                    self.tracer.leave(Some(Value::Bool(v)));
                }
                v
            }
        }
    }
}

#[cold]
#[inline(never)]
fn division_by_zero(span: Span, x: Decimal) -> EvalError {
    EvalError::new("E030", span, format!("divisão por zero ({x} / 0)"))
}

/// The source span of a boolean node (for the explanation of a condition).
pub(crate) fn bool_span(b: &Bool) -> Span {
    match b {
        Bool::Cmp(_, _, _, s) | Bool::NonZero(_, s) | Bool::If(_, _, _, s) => *s,
        Bool::And(x, y) | Bool::Or(x, y) => bool_span(x).to(bool_span(y)),
        Bool::Not(x) => bool_span(x),
    }
}
