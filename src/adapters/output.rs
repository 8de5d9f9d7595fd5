//! Saída do lote: the CSV and JSON Lines files `consignado batch` writes, rendered from the
//! domain's [`EmployeeResult`].
//!
//! Every CSV uses `;` and a header line, money with 2 places and `.` as the decimal mark
//! (SPEC §3), competências `AAAA-MM`; a field holding `;`, `"` or a line break is quoted. Every
//! JSON Lines file has one object per line, money as strings. Columns are documented in
//! `fixtures/README.md` ("Saída do lote").
//!
//! Rendering appends to caller-owned `String`s, so a batch renders a chunk of employees into one
//! buffer per file with no allocation per line, and the same input gives byte-identical output.
//!
//! What this module does not do: decide anything. Which employees, which order and which rejects
//! are the batch's business ([`crate::batch`]).

use crate::domain::discount::{DiscountResult, DiscountRule};
use crate::domain::margin::Eligibility;
use crate::domain::rateio::RateioMethod;
use crate::domain::vacation::Document;
use crate::domain::{Competencia, DomainIssue, EmployeeResult, EventKind, OpenProvision, Severity};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use std::io::Write as _;

mod quote;
pub use quote::{bound_quoted, excerpt, MAX_QUOTED_CHARS};

/// Text appended to the byte buffers of the outputs (always UTF-8: only `&str` goes in).
trait PushStr {
    fn push_str(&mut self, text: &str);
}

impl PushStr for Vec<u8> {
    #[inline]
    fn push_str(&mut self, text: &str) {
        self.extend_from_slice(text.as_bytes());
    }
}

/// The per-employee output files, in the order they are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFile {
    /// `resultado_funcionarios.csv`: one line per computed employee.
    Funcionarios,
    /// `margens.csv`: the margin sent to each institution (rateio).
    Margens,
    /// `descontos.csv`: 438 and 442 per institution.
    Descontos,
    /// `contratos.csv`: 438 and 442 per contract (legal rule, or a formula's total split
    /// oldest first), with the shortfall and its reason.
    Contratos,
    /// `provisoes.csv`: 453–456 lines.
    Provisoes,
    /// `eventos.csv`: every event value to post in the payroll.
    Eventos,
    /// `provisoes_abertas.csv`: 454 provisions to return later (input of the next month,
    /// written whatever the formats).
    ProvisoesAbertas,
    /// `ocorrencias.csv`: warnings, consistency violations, ineligibility, rateio problems.
    Ocorrencias,
    /// `resultados.jsonl`: everything about an employee, one JSON object per line.
    Resultados,
    /// `remuneracao_disponivel.csv`: the remuneração disponível part by part (with a rubric
    /// table; only the header without one).
    RemuneracaoDisponivel,
    /// `esocial_itens.csv`: one line per worker × contract declared in eSocial (with
    /// `esocial.toml` only).
    EsocialItens,
    /// `esocial_itens.jsonl`: the same, as JSON Lines.
    EsocialItensJsonl,
    /// `conciliacao_esocial.csv`: one line per contract, installment × discount × item ×
    /// S-5003 (with `esocial.toml` only).
    ConciliacaoEsocial,
}

impl OutputFile {
    /// Every per-employee file.
    pub const ALL: [OutputFile; 13] = [
        OutputFile::Funcionarios,
        OutputFile::Margens,
        OutputFile::Descontos,
        OutputFile::Contratos,
        OutputFile::Provisoes,
        OutputFile::Eventos,
        OutputFile::ProvisoesAbertas,
        OutputFile::Ocorrencias,
        OutputFile::Resultados,
        OutputFile::RemuneracaoDisponivel,
        OutputFile::EsocialItens,
        OutputFile::EsocialItensJsonl,
        OutputFile::ConciliacaoEsocial,
    ];

    /// File name in the output folder.
    pub fn file_name(self) -> &'static str {
        match self {
            OutputFile::Funcionarios => "resultado_funcionarios.csv",
            OutputFile::Margens => "margens.csv",
            OutputFile::Descontos => "descontos.csv",
            OutputFile::Contratos => "contratos.csv",
            OutputFile::Provisoes => "provisoes.csv",
            OutputFile::Eventos => "eventos.csv",
            OutputFile::ProvisoesAbertas => "provisoes_abertas.csv",
            OutputFile::Ocorrencias => "ocorrencias.csv",
            OutputFile::Resultados => "resultados.jsonl",
            OutputFile::RemuneracaoDisponivel => "remuneracao_disponivel.csv",
            OutputFile::EsocialItens => "esocial_itens.csv",
            OutputFile::EsocialItensJsonl => "esocial_itens.jsonl",
            OutputFile::ConciliacaoEsocial => "conciliacao_esocial.csv",
        }
    }

    /// Header line (with its `\n`); empty for JSON Lines.
    pub fn header(self) -> &'static str {
        match self {
            OutputFile::Funcionarios => "competencia;matricula;cpf;situacao;liquido;remuneracao_disponivel;margem_444;margem_enviada;parcelas_439;desconto_438;nao_descontado_438;desconto_442;nao_descontado_442;motivo\n",
            OutputFile::Margens => "competencia;matricula;instituicao;metodo;percentual;margem\n",
            OutputFile::Descontos => "competencia;matricula;documento;codigo_calculo;instituicao;evento;regra;parcela;desconto;nao_descontado\n",
            OutputFile::Contratos => "competencia;matricula;documento;codigo_calculo;instituicao;contrato;inicio;parcela;desconto;nao_descontado;regra;motivo;motivo_descricao\n",
            OutputFile::Provisoes => "competencia;matricula;instituicao;codigo_calculo;evento;documento;competencia_documento;valor\n",
            OutputFile::Eventos => "competencia;matricula;documento;codigo_calculo;evento;instituicao;tipo;valor\n",
            OutputFile::ProvisoesAbertas => "matricula;instituicao;competencia_origem;competencia_retorno;valor\n",
            OutputFile::Ocorrencias => "competencia;matricula;codigo;gravidade;campo;mensagem\n",
            OutputFile::Resultados => "",
            OutputFile::RemuneracaoDisponivel => "competencia;matricula;parte;evento;sinal;valor\n",
            OutputFile::EsocialItens => "competencia;matricula;cpf;documento;evento_esocial;id_evento;codigo_rubrica;tabela_rubricas;valor;inst_financ;nr_doc\n",
            OutputFile::EsocialItensJsonl => "",
            OutputFile::ConciliacaoEsocial => "competencia;matricula;cpf;documento;inst_financ;nr_doc;parcela_informada;desconto_calculado;item_declarado;situacao;advertencia_prevista;motivo;total_s5003;s5003\n",
        }
    }

    /// Is it a JSON Lines file?
    pub fn is_jsonl(self) -> bool {
        matches!(self, OutputFile::Resultados | OutputFile::EsocialItensJsonl)
    }

    /// Is it an eSocial file (written only for a company with `esocial.toml`)?
    pub fn is_esocial(self) -> bool {
        matches!(
            self,
            OutputFile::EsocialItens
                | OutputFile::EsocialItensJsonl
                | OutputFile::ConciliacaoEsocial
        )
    }
}

/// Renders the remuneração disponível of one employee part by part: one line per rubric that
/// entered it (`sinal` `+` or `-`), then the total (`parte` = `total`).
pub fn render_rd_parts(
    b: &mut Vec<u8>,
    competencia: &str,
    matricula: &str,
    parts: &crate::domain::types::RdBreakdown,
) {
    for line in &parts.lines {
        b.push_str(competencia);
        b.push(b';');
        push_csv(b, matricula);
        b.push(b';');
        b.push_str(line.part);
        b.push(b';');
        push_csv(b, &line.code);
        b.push(b';');
        b.push(if line.sign < 0 { b'-' } else { b'+' });
        b.push(b';');
        push_money(b, line.value);
        b.push(b'\n');
    }
    b.push_str(competencia);
    b.push(b';');
    push_csv(b, matricula);
    b.push_str(";total;;;");
    push_money(b, parts.total);
    b.push(b'\n');
}

/// Name of the rejects file (CSV) and its JSON Lines twin.
pub const REJECTS_CSV: &str = "rejeitados.csv";
/// JSON Lines twin of [`REJECTS_CSV`].
pub const REJECTS_JSONL: &str = "rejeitados.jsonl";
/// Header of [`REJECTS_CSV`].
pub const REJECTS_HEADER: &str = "arquivo;linha;campo;matricula;codigo;motivo\n";
/// Import messages of SPEC §2.7, one per line.
pub const MESSAGES_TXT: &str = "mensagens.txt";
/// The summary printed on stdout, also kept with the outputs.
pub const SUMMARY_TXT: &str = "resumo.txt";

/// One buffer per [`OutputFile`].
#[derive(Debug, Default)]
pub struct Buffers {
    /// Indexed by `OutputFile as usize`.
    pub text: [Vec<u8>; 13],
    /// Scratch space of the renderer (the escaped line prefix), kept to reuse its allocation.
    prefix: Vec<u8>,
    /// The eSocial events of the chunk, one after the other (their places are in
    /// [`crate::adapters::esocial::month::Declared::events`]): kept with the buffers so that
    /// their memory is reused from one chunk to the next.
    pub events: Vec<u8>,
}

impl Buffers {
    /// The buffer of `file`.
    pub fn of(&mut self, file: OutputFile) -> &mut Vec<u8> {
        &mut self.text[file as usize]
    }

    /// Empties every buffer, keeping its capacity for the next chunk.
    pub fn clear(&mut self) {
        for t in &mut self.text {
            t.clear();
        }
        self.events.clear();
    }
}

/// Which formats to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    /// CSV files.
    pub csv: bool,
    /// JSON Lines files.
    pub jsonl: bool,
}

/// A row or employee not computed: where it is and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RejectRecord {
    /// Position of the file in the summary's order (sort key).
    pub file_order: usize,
    /// Input file name.
    pub file: &'static str,
    /// Line in the file.
    pub line: u32,
    /// Column or field path ("" when the whole row).
    pub field: String,
    /// Matrícula, when known.
    pub matricula: String,
    /// Stable code (`L001`…, or the domain's `D9xx`).
    pub code: String,
    /// Reason, in Portuguese.
    pub reason: String,
}

/// Appends `text` as a CSV field (quoted only when it must be).
pub fn push_csv(buf: &mut Vec<u8>, text: &str) {
    // The special characters are all ASCII: a byte scan finds them.
    if text
        .bytes()
        .any(|b| matches!(b, b';' | b'"' | b'\n' | b'\r'))
    {
        buf.push(b'"');
        buf.push_str(&text.replace('"', "\"\""));
        buf.push(b'"');
    } else {
        buf.push_str(text);
    }
}

/// Appends money with 2 places: the same text as [`crate::money::format_money`], without
/// allocating.
pub fn push_money(buf: &mut Vec<u8>, value: Decimal) {
    // Fast path for what money almost always is: at most 2 places, not zero (so no sign
    // question). Anything else goes through `Decimal`'s own formatting.
    let mantissa = value.mantissa();
    let scale = value.scale();
    let cents = match scale {
        2 => Some(mantissa),
        0 | 1 => mantissa.checked_mul(10i128.pow(2 - scale)),
        _ => None,
    };
    let Some(cents) = cents.filter(|c| *c != 0) else {
        // Zero of any scale and sign is "0.00" (never a negative zero); anything else as
        // `format_money` prints it.
        if value.is_zero() {
            buf.push_str("0.00");
            return;
        }
        buf.push_str(&crate::money::format_money(value));
        return;
    };
    // u64 arithmetic when the cents fit (always, for money): u128 division is a library call.
    let Ok(cents_abs) = u64::try_from(cents.unsigned_abs()) else {
        buf.push_str(&crate::money::format_money(value));
        return;
    };
    if cents < 0 {
        buf.push(b'-');
    }
    let mut digits = [0u8; 24];
    let mut at = digits.len() - 3;
    let pair = (cents_abs % 100) as usize * 2;
    digits[at] = b'.';
    digits[at + 1] = PAIRS[pair];
    digits[at + 2] = PAIRS[pair + 1];
    let mut rest = cents_abs / 100;
    while rest >= 100 {
        let pair = (rest % 100) as usize * 2;
        rest /= 100;
        at -= 2;
        digits[at] = PAIRS[pair];
        digits[at + 1] = PAIRS[pair + 1];
    }
    if rest >= 10 {
        let pair = rest as usize * 2;
        at -= 2;
        digits[at] = PAIRS[pair];
        digits[at + 1] = PAIRS[pair + 1];
    } else {
        at -= 1;
        digits[at] = b'0' + rest as u8;
    }
    // Only ASCII digits and '.' were written.
    buf.extend_from_slice(&digits[at..]);
}

/// "00", "01", … "99": two digits per division.
const PAIRS: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Appends an unsigned integer in decimal, without `fmt`'s machinery.
fn push_uint(buf: &mut Vec<u8>, n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    buf.extend_from_slice(&digits[at..]);
}

/// Appends `n` (0..=9999) with `width` digits, zero-padded.
fn push_padded(buf: &mut Vec<u8>, n: u32, width: usize) {
    let digits = [
        b'0' + (n / 1000 % 10) as u8,
        b'0' + (n / 100 % 10) as u8,
        b'0' + (n / 10 % 10) as u8,
        b'0' + (n % 10) as u8,
    ];
    buf.extend_from_slice(&digits[4 - width..]);
}

/// Appends the competência as `AAAA-MM` ([`Competencia::to_iso`]) without allocating.
fn push_iso(buf: &mut Vec<u8>, c: Competencia) {
    match u32::try_from(c.year()) {
        Ok(y) if (1000..=9999).contains(&y) => {
            push_padded(buf, y, 4);
            buf.push(b'-');
            push_padded(buf, c.month(), 2);
        }
        _ => buf.push_str(&c.to_iso()),
    }
}

/// Appends `date` as `DD/MM/AAAA` (`%d/%m/%Y`) or, `iso`, as `AAAA-MM-DD` (`%Y-%m-%d`).
fn push_date(buf: &mut Vec<u8>, date: NaiveDate, iso: bool) {
    match u32::try_from(date.year()) {
        Ok(y) if (1000..=9999).contains(&y) => {
            if iso {
                push_padded(buf, y, 4);
                buf.push(b'-');
                push_padded(buf, date.month(), 2);
                buf.push(b'-');
                push_padded(buf, date.day(), 2);
            } else {
                push_padded(buf, date.day(), 2);
                buf.push(b'/');
                push_padded(buf, date.month(), 2);
                buf.push(b'/');
                push_padded(buf, y, 4);
            }
        }
        _ => {
            let format = if iso { "%Y-%m-%d" } else { "%d/%m/%Y" };
            let _ = write!(buf, "{}", date.format(format));
        }
    }
}

/// Appends `text` as a JSON string.
pub fn push_json_str(buf: &mut Vec<u8>, text: &str) {
    buf.push(b'"');
    // Fast path: nothing to escape (every escaped character is ASCII).
    if !text.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
        buf.push_str(text);
        buf.push(b'"');
        return;
    }
    for c in text.chars() {
        match c {
            '"' => buf.push_str("\\\""),
            '\\' => buf.push_str("\\\\"),
            '\n' => buf.push_str("\\n"),
            '\r' => buf.push_str("\\r"),
            '\t' => buf.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(buf, "\\u{:04x}", c as u32);
            }
            c => buf.push_str(c.encode_utf8(&mut [0; 4])),
        }
    }
    buf.push(b'"');
}

fn push_json_money(buf: &mut Vec<u8>, value: Decimal) {
    buf.push(b'"');
    push_money(buf, value);
    buf.push(b'"');
}

fn push_json_opt_money(buf: &mut Vec<u8>, value: Option<Decimal>) {
    match value {
        Some(v) => push_json_money(buf, v),
        None => buf.push_str("null"),
    }
}

/// Appends one of the crate's own plain names (no character to escape) as a JSON string.
fn push_json_static(buf: &mut Vec<u8>, name: &'static str) {
    debug_assert!(!name.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20));
    buf.push(b'"');
    buf.push_str(name);
    buf.push(b'"');
}

fn push_json_opt_str(buf: &mut Vec<u8>, value: Option<&str>) {
    match value {
        Some(v) => push_json_str(buf, v),
        None => buf.push_str("null"),
    }
}

/// Document name in files.
pub fn document_name(d: Document) -> &'static str {
    match d {
        Document::ReciboFerias => "recibo_ferias",
        Document::FolhaMensal => "folha_mensal",
        Document::Rescisao => "rescisao",
    }
}

fn kind_name(k: EventKind) -> &'static str {
    match k {
        EventKind::Provento => "provento",
        EventKind::Desconto => "desconto",
        EventKind::BaseDeCalculo => "base",
    }
}

fn method_name(m: RateioMethod) -> &'static str {
    match m {
        RateioMethod::Integral => "integral",
        RateioMethod::Fator => "fator",
        RateioMethod::Distribuicao => "distribuicao",
    }
}

fn rule_name(r: DiscountRule) -> &'static str {
    match r {
        DiscountRule::Formula => "formula",
        DiscountRule::RegraLegal => "regra_legal",
    }
}

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "erro",
        Severity::Warning => "aviso",
    }
}

/// The employee's situation and, when the margin is not sent, why (first reason wins:
/// ineligible, inconsistent data, invalid distribution).
pub fn status(result: &EmployeeResult) -> (&'static str, String) {
    if let Eligibility::NaoElegivel { mensagem, .. } = &result.margin.eligibility {
        return ("nao_elegivel", mensagem.clone());
    }
    if let Some(first) = result.consistency.first() {
        let more = result.consistency.len() - 1;
        let tail = if more > 0 {
            format!(" (e mais {more})")
        } else {
            String::new()
        };
        return (
            "dados_inconsistentes",
            format!("{}: {}{tail}", first.field, first.message),
        );
    }
    if let Some(first) = result.rateio_issues.first() {
        return ("distribuicao_invalida", first.message.clone());
    }
    if result.send_margin {
        ("margem_enviada", String::new())
    } else {
        ("margem_retida", String::new())
    }
}

fn sums(d: Option<&DiscountResult>) -> (Decimal, Decimal, Decimal) {
    let mut installment = Decimal::ZERO;
    let mut discount = Decimal::ZERO;
    let mut shortfall = Decimal::ZERO;
    for i in d.iter().flat_map(|d| d.institutions.iter()) {
        installment = installment.saturating_add(i.installment);
        discount = discount.saturating_add(i.discount);
        shortfall = shortfall.saturating_add(i.shortfall);
    }
    (installment, discount, shortfall)
}

/// Every issue of the result that `ocorrencias.csv` lists, in a fixed order.
pub fn issues(result: &EmployeeResult) -> impl Iterator<Item = &DomainIssue> {
    result
        .consistency
        .iter()
        .chain(&result.rateio_issues)
        .chain(&result.warnings)
}

/// Renders one computed employee into `out`. `competencia` is `AAAA-MM`.
pub fn render_employee(
    out: &mut Buffers,
    formats: Formats,
    competencia: &str,
    cpf: &str,
    r: &EmployeeResult,
) {
    let m = &r.matricula;
    let (situacao, motivo) = status(r);
    let margin_sent = if r.send_margin {
        r.margin.value
    } else {
        Decimal::ZERO
    };
    let (inst_438, disc_438, short_438) = sums(r.discounts.as_ref());
    let (_, disc_442, short_442) = sums(r.rescission.as_ref().map(|x| &x.discounts));
    let ineligible = match &r.margin.eligibility {
        Eligibility::Elegivel => None,
        Eligibility::NaoElegivel { mensagem, .. } => Some(mensagem.as_str()),
    };

    // Next month's input: written whatever the formats.
    render_open_provisions(out.of(OutputFile::ProvisoesAbertas), m, &r.open_provisions);

    if formats.csv {
        // `competencia;matricula;` starts most lines: escaped once per employee.
        let mut prefix = std::mem::take(&mut out.prefix);
        prefix.clear();
        push_csv(&mut prefix, competencia);
        prefix.push(b';');
        push_csv(&mut prefix, m);
        prefix.push(b';');
        let pre = prefix.as_slice();

        let b = out.of(OutputFile::Funcionarios);
        b.extend_from_slice(pre);
        push_csv(b, cpf);
        b.push(b';');
        b.push_str(situacao);
        b.push(b';');
        push_money(b, r.margin.net_pay);
        b.push(b';');
        if let Some(rd) = r.margin.available_remuneration {
            push_money(b, rd);
        }
        for v in [
            r.margin.value,
            margin_sent,
            inst_438,
            disc_438,
            short_438,
            disc_442,
            short_442,
        ] {
            b.push(b';');
            push_money(b, v);
        }
        b.push(b';');
        push_csv(b, &motivo);
        b.push(b'\n');

        if r.send_margin {
            if let Some(rateio) = &r.rateio {
                let b = out.of(OutputFile::Margens);
                for s in &rateio.shares {
                    b.extend_from_slice(pre);
                    push_csv(b, &s.institution);
                    b.push(b';');
                    b.push_str(method_name(rateio.method));
                    b.push(b';');
                    if let Some(p) = s.percent {
                        let _ = write!(b, "{}", p.normalize());
                    }
                    b.push(b';');
                    push_money(b, s.value);
                    b.push(b'\n');
                }
            }
        }

        let documents = discount_documents(r);
        for (doc, code, d) in documents {
            let b = out.of(OutputFile::Descontos);
            for i in &d.institutions {
                if i.installment.is_zero() && i.discount.is_zero() {
                    continue;
                }
                b.extend_from_slice(pre);
                b.push_str(document_name(doc));
                b.push(b';');
                push_uint(b, code.into());
                b.push(b';');
                push_csv(b, &i.institution);
                b.push(b';');
                push_csv(b, i.event.as_deref().unwrap_or(""));
                b.push(b';');
                b.push_str(rule_name(i.rule));
                for v in [i.installment, i.discount, i.shortfall] {
                    b.push(b';');
                    push_money(b, v);
                }
                b.push(b'\n');
            }
            let b = out.of(OutputFile::Contratos);
            for k in &d.contracts {
                b.extend_from_slice(pre);
                b.push_str(document_name(doc));
                b.push(b';');
                push_uint(b, code.into());
                b.push(b';');
                push_csv(b, &k.institution);
                b.push(b';');
                push_csv(b, &k.contract);
                b.push(b';');
                if let Some(s) = k.start {
                    push_date(b, s, false);
                }
                for v in [k.installment, k.discount, k.shortfall] {
                    b.push(b';');
                    push_money(b, v);
                }
                b.push(b';');
                b.push_str(rule_name(k.rule));
                b.push(b';');
                if let Some(reason) = k.reason {
                    b.push_str(reason.code());
                    b.push(b';');
                    b.push_str(reason.text());
                } else {
                    b.push(b';');
                }
                b.push(b'\n');
            }
        }

        let b = out.of(OutputFile::Provisoes);
        let lines = r.provisions.iter().chain(
            r.rescission
                .iter()
                .flat_map(|x| x.returned_provisions.iter()),
        );
        for p in lines {
            b.extend_from_slice(pre);
            push_csv(b, &p.institution);
            b.push(b';');
            push_uint(b, p.calc_code.into());
            b.push(b';');
            push_csv(b, p.event.as_deref().unwrap_or(""));
            b.push(b';');
            b.push_str(document_name(p.document));
            b.push(b';');
            push_iso(b, p.competencia);
            b.push(b';');
            push_money(b, p.value);
            b.push(b'\n');
        }

        let b = out.of(OutputFile::Eventos);
        for e in r
            .events
            .iter()
            .filter(|e| e.calc_code == 444 || !e.value.is_zero())
        {
            b.extend_from_slice(pre);
            b.push_str(document_name(e.document));
            b.push(b';');
            push_uint(b, e.calc_code.into());
            b.push(b';');
            push_csv(b, e.event.as_deref().unwrap_or(""));
            b.push(b';');
            push_csv(b, e.institution.as_deref().unwrap_or(""));
            b.push(b';');
            b.push_str(kind_name(e.kind));
            b.push(b';');
            push_money(b, e.value);
            b.push(b'\n');
        }

        let b = out.of(OutputFile::Ocorrencias);
        if let Some(msg) = ineligible {
            b.extend_from_slice(pre);
            b.push_str("D200;aviso;margem;");
            push_csv(b, msg);
            b.push(b'\n');
        }
        for i in issues(r) {
            b.extend_from_slice(pre);
            push_csv(b, &i.code);
            b.push(b';');
            b.push_str(severity_name(i.severity));
            b.push(b';');
            push_csv(b, &i.field);
            b.push(b';');
            push_csv(b, &i.message);
            b.push(b'\n');
        }
        out.prefix = prefix;
    }

    if formats.jsonl {
        let b = out.of(OutputFile::Resultados);
        b.push_str("{\"competencia\":");
        push_json_str(b, competencia);
        b.push_str(",\"matricula\":");
        push_json_str(b, m);
        b.push_str(",\"cpf\":");
        push_json_str(b, cpf);
        b.push_str(",\"situacao\":");
        push_json_static(b, situacao);
        b.push_str(",\"motivo\":");
        push_json_opt_str(b, Some(motivo.as_str()).filter(|s| !s.is_empty()));
        b.push_str(",\"liquido\":");
        push_json_money(b, r.margin.net_pay);
        b.push_str(",\"remuneracao_disponivel\":");
        push_json_opt_money(b, r.margin.available_remuneration);
        b.push_str(",\"margem_444\":");
        push_json_money(b, r.margin.value);
        b.push_str(",\"margem_enviada\":");
        b.push_str(if r.send_margin { "true" } else { "false" });
        b.push_str(",\"rateio\":[");
        if let Some(rateio) = r.rateio.as_ref().filter(|_| r.send_margin) {
            for (n, s) in rateio.shares.iter().enumerate() {
                if n > 0 {
                    b.push(b',');
                }
                b.push_str("{\"instituicao\":");
                push_json_str(b, &s.institution);
                b.push_str(",\"metodo\":");
                push_json_static(b, method_name(rateio.method));
                b.push_str(",\"percentual\":");
                match s.percent {
                    Some(p) => push_json_str(b, &p.normalize().to_string()),
                    None => b.push_str("null"),
                }
                b.push_str(",\"margem\":");
                push_json_money(b, s.value);
                b.push(b'}');
            }
        }
        b.push_str("],\"descontos\":[");
        let mut first = true;
        let documents = discount_documents(r);
        for (doc, code, d) in documents {
            for i in &d.institutions {
                if i.installment.is_zero() && i.discount.is_zero() {
                    continue;
                }
                if !first {
                    b.push(b',');
                }
                first = false;
                b.push_str("{\"documento\":\"");
                b.push_str(document_name(doc));
                b.push_str("\",\"codigo_calculo\":");
                push_uint(b, code.into());
                b.push_str(",\"instituicao\":");
                push_json_str(b, &i.institution);
                b.push_str(",\"regra\":");
                push_json_static(b, rule_name(i.rule));
                b.push_str(",\"parcela\":");
                push_json_money(b, i.installment);
                b.push_str(",\"desconto\":");
                push_json_money(b, i.discount);
                b.push_str(",\"nao_descontado\":");
                push_json_money(b, i.shortfall);
                b.push_str(",\"contratos\":[");
                for (n, k) in d
                    .contracts
                    .iter()
                    .filter(|k| k.institution == i.institution)
                    .enumerate()
                {
                    if n > 0 {
                        b.push(b',');
                    }
                    b.push_str("{\"contrato\":");
                    push_json_str(b, &k.contract);
                    b.push_str(",\"inicio\":");
                    match k.start {
                        Some(s) => {
                            b.push(b'"');
                            push_date(b, s, true);
                            b.push(b'"');
                        }
                        None => b.push_str("null"),
                    }
                    b.push_str(",\"parcela\":");
                    push_json_money(b, k.installment);
                    b.push_str(",\"desconto\":");
                    push_json_money(b, k.discount);
                    b.push_str(",\"nao_descontado\":");
                    push_json_money(b, k.shortfall);
                    b.push_str(",\"motivo\":");
                    match k.reason {
                        Some(reason) => push_json_static(b, reason.code()),
                        None => b.push_str("null"),
                    }
                    b.push(b'}');
                }
                b.push_str("]}");
            }
        }
        b.push_str("],\"eventos\":[");
        let posted = r
            .events
            .iter()
            .filter(|e| e.calc_code == 444 || !e.value.is_zero());
        for (n, e) in posted.enumerate() {
            if n > 0 {
                b.push(b',');
            }
            b.push_str("{\"codigo_calculo\":");
            push_uint(b, e.calc_code.into());
            b.push_str(",\"documento\":\"");
            b.push_str(document_name(e.document));
            b.push_str("\",\"competencia\":\"");
            push_iso(b, e.competencia);
            b.push_str("\",\"evento\":");
            push_json_opt_str(b, e.event.as_deref());
            b.push_str(",\"instituicao\":");
            push_json_opt_str(b, e.institution.as_deref());
            b.push_str(",\"tipo\":");
            push_json_static(b, kind_name(e.kind));
            b.push_str(",\"valor\":");
            push_json_money(b, e.value);
            b.push(b'}');
        }
        b.push_str("],\"provisoes_abertas\":[");
        for (n, p) in r.open_provisions.iter().enumerate() {
            if n > 0 {
                b.push(b',');
            }
            b.push_str("{\"instituicao\":");
            push_json_str(b, &p.institution);
            b.push_str(",\"competencia_origem\":\"");
            push_iso(b, p.origin);
            b.push_str("\",\"competencia_retorno\":\"");
            push_iso(b, p.return_competencia);
            b.push_str("\",\"valor\":");
            push_json_money(b, p.value);
            b.push(b'}');
        }
        b.push_str("],\"ocorrencias\":[");
        let mut first = true;
        if let Some(msg) = ineligible {
            b.push_str(
                "{\"codigo\":\"D200\",\"gravidade\":\"aviso\",\"campo\":\"margem\",\"mensagem\":",
            );
            push_json_str(b, msg);
            b.push(b'}');
            first = false;
        }
        for i in issues(r) {
            if !first {
                b.push(b',');
            }
            first = false;
            b.push_str("{\"codigo\":");
            push_json_str(b, &i.code);
            b.push_str(",\"gravidade\":");
            push_json_static(b, severity_name(i.severity));
            b.push_str(",\"campo\":");
            push_json_str(b, &i.field);
            b.push_str(",\"mensagem\":");
            push_json_str(b, &i.message);
            b.push(b'}');
        }
        b.push_str("]}\n");
    }
}

/// Appends open provisions in the format of the input file `provisoes_abertas.csv`.
pub fn render_open_provisions(b: &mut Vec<u8>, matricula: &str, open: &[OpenProvision]) {
    for p in open {
        push_csv(b, matricula);
        b.push(b';');
        push_csv(b, &p.institution);
        b.push(b';');
        push_iso(b, p.origin);
        b.push(b';');
        push_iso(b, p.return_competencia);
        b.push(b';');
        push_money(b, p.value);
        b.push(b'\n');
    }
}

/// Appends a reject as a CSV line of [`REJECTS_CSV`].
pub fn render_reject_csv(b: &mut Vec<u8>, r: &RejectRecord) {
    push_csv(b, r.file);
    let _ = write!(b, ";{};", r.line);
    for f in [&r.field, &r.matricula, &r.code] {
        push_csv(b, f);
        b.push(b';');
    }
    push_csv(b, &r.reason);
    b.push(b'\n');
}

/// Appends a reject as a JSON line of [`REJECTS_JSONL`].
pub fn render_reject_json(b: &mut Vec<u8>, r: &RejectRecord) {
    b.push_str("{\"arquivo\":");
    push_json_str(b, r.file);
    let _ = write!(b, ",\"linha\":{},\"campo\":", r.line);
    push_json_str(b, &r.field);
    b.push_str(",\"matricula\":");
    push_json_str(b, &r.matricula);
    b.push_str(",\"codigo\":");
    push_json_str(b, &r.code);
    b.push_str(",\"motivo\":");
    push_json_str(b, &r.reason);
    b.push_str("}\n");
}

/// The discount documents of a result: the monthly payroll (438), then the rescission (442).
fn discount_documents(
    r: &EmployeeResult,
) -> impl Iterator<Item = (Document, u16, &DiscountResult)> {
    r.discounts
        .iter()
        .map(|d| (Document::FolhaMensal, 438u16, d))
        .chain(
            r.rescission
                .iter()
                .map(|x| (Document::Rescisao, 442u16, &x.discounts)),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_never_a_negative_zero() {
        for text in ["-0", "-0.00", "-0.004", "-0.0000001"] {
            let v: Decimal = text.parse().unwrap();
            let mut b = Vec::new();
            push_money(&mut b, v);
            assert_eq!(String::from_utf8(b).unwrap(), "0.00", "{text}");
            assert_eq!(crate::money::format_money(v), "0.00", "{text}");
        }
        assert_eq!(
            crate::money::format_money("-0.01".parse().unwrap()),
            "-0.01"
        );
    }

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        let mut b = Vec::new();
        push_csv(&mut b, "Maria; filha");
        b.push(b';');
        push_csv(&mut b, "dito \"assim\"");
        b.push(b';');
        push_csv(&mut b, "simples");
        assert_eq!(
            String::from_utf8(b).unwrap(),
            "\"Maria; filha\";\"dito \"\"assim\"\"\";simples"
        );
    }

    #[test]
    fn money_matches_format_money_everywhere() {
        proptest::proptest!(|(mantissa in proptest::num::i64::ANY, scale in 0u32..6)| {
            let v = Decimal::new(mantissa, scale);
            let mut b = Vec::new();
            push_money(&mut b, v);
            proptest::prop_assert_eq!(String::from_utf8(b).unwrap(), crate::money::format_money(v));
        });
        for cents in [
            0i64, 1, 9, 10, 99, 100, 101, 999, 1000, 12345, 100000, 9999999, -5, -100,
        ] {
            let v = Decimal::new(cents, 2);
            let mut b = Vec::new();
            push_money(&mut b, v);
            assert_eq!(
                String::from_utf8(b).unwrap(),
                crate::money::format_money(v),
                "{cents}"
            );
        }
    }

    #[test]
    fn money_and_json() {
        let mut b = Vec::new();
        push_money(&mut b, Decimal::new(240, 0));
        b.push(b' ');
        push_money(&mut b, Decimal::new(-7550, 2));
        assert_eq!(b, b"240.00 -75.50");
        for text in [
            "0",
            "0.00",
            "-0.00",
            "0.5",
            "7",
            "-7",
            "12.3",
            "1234567.89",
            "-0.01",
            "0.10",
            "5.555",
            "99999999999999999999999.99",
            "-79228162514264337593543950335",
            "0.0000001",
        ] {
            let v: Decimal = text.parse().unwrap();
            let mut b = Vec::new();
            push_money(&mut b, v);
            assert_eq!(
                String::from_utf8(b).unwrap(),
                crate::money::format_money(v),
                "{text}"
            );
        }
        for (y, m, d) in [(2025, 7, 1), (1999, 12, 31), (2000, 1, 9)] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            let mut b = Vec::new();
            push_date(&mut b, date, false);
            b.push(b' ');
            push_date(&mut b, date, true);
            b.push(b' ');
            push_iso(&mut b, Competencia::of_date(date).unwrap());
            let want = format!(
                "{} {} {}",
                date.format("%d/%m/%Y"),
                date.format("%Y-%m-%d"),
                Competencia::of_date(date).unwrap().to_iso()
            );
            assert_eq!(String::from_utf8(b).unwrap(), want);
        }
        let mut j = Vec::new();
        push_json_str(&mut j, "a\"b\\c\nd\u{1}");
        let j = String::from_utf8(j).unwrap();
        assert_eq!(j, "\"a\\\"b\\\\c\\nd\\u0001\"");
        let v: serde_json::Value = serde_json::from_str(&j).unwrap();
        assert_eq!(v, "a\"b\\c\nd\u{1}");
    }
}
