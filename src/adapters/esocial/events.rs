//! The three events of the consignado month, leiaute S-1.3: S-1010 (the rubric), S-1200 (the
//! monthly pay, one `itensRemun` per contract with `descFolha`) and S-2299 (the termination,
//! one `detVerbas` per contract with `descFolha`, and `consigFGTS`).
//!
//! Each function returns the `<eSocial>` document without its signature, in canonical form
//! ([`super::xml`]); [`super::sign`] appends the `Signature`. The caller guarantees what the
//! schema demands of the values ([`super::valid_nr_doc`], a 3-digit `instFinanc`, values > 0):
//! this module only writes.

use super::settings::EsocialSettings;
use super::xml::Xml;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

/// The leiaute version in the namespaces.
pub const LAYOUT: &str = "v_S_01_03_00";

/// Items per `remunPerApur` / `ideEstabLot` (the schema's `maxOccurs` of `itensRemun` and
/// `detVerbas`): a worker with more gets one more `dmDev` per 200.
pub const ITEMS_PER_DEMONSTRATIVE: usize = 200;

/// The namespace of event `evt` (`evtRemun`, …).
pub fn namespace(evt: &str) -> String {
    format!("http://www.esocial.gov.br/schema/evt/{evt}/{LAYOUT}")
}

/// The event `Id` by the eSocial rule: `ID` + inscription type (1 digit) + the employer's
/// inscription completed with zeros on the right to 14 characters + `AAAAMMDDHHMMSS` + a
/// 5-digit sequence. Event number `n` of a run gets sequence `n % 99999 + 1` and the second
/// `n / 99999` after `at`, so that a run writes any number of events with distinct ids.
pub fn event_id(tp_insc: u8, nr_insc: &str, at: NaiveDateTime, n: u64) -> String {
    let seconds = i64::try_from(n / 99_999).unwrap_or(i64::MAX / 2);
    let when = at
        .checked_add_signed(Duration::seconds(seconds))
        .unwrap_or(at);
    format!(
        "ID{tp_insc}{nr_insc:0<14}{}{:05}",
        when.format("%Y%m%d%H%M%S"),
        n % 99_999 + 1
    )
}

/// The discount of one contract, as `descFolha` needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Consignado<'a> {
    /// `instFinanc`: the institution's 3-digit code.
    pub inst_financ: &'a str,
    /// `nrDoc`: the contract number.
    pub nr_doc: &'a str,
}

/// One rubric line of a demonstrative (`itensRemun` or `detVerbas`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item<'a> {
    /// `codRubr`: the event code of the payroll.
    pub rubric: &'a str,
    /// `vrRubr` (> 0, 2 places).
    pub value: Decimal,
    /// `descFolha`, for a consignado discount (natureza 9253).
    pub consignado: Option<Consignado<'a>>,
}

/// The worker of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Worker<'a> {
    /// `cpfTrab` (11 digits).
    pub cpf: &'a str,
    /// `matricula`.
    pub matricula: &'a str,
    /// `codCateg` (3 digits).
    pub category: &'a str,
}

/// A consignado rubric for the S-1010.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rubric<'a> {
    /// `codRubr`.
    pub code: &'a str,
    /// `dscRubr` (1–100 characters).
    pub description: &'a str,
}

/// The termination data of an S-2299.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Termination<'a> {
    /// `dtDeslig`.
    pub date: NaiveDate,
    /// `mtvDeslig` (2 digits, eSocial Tabela 19).
    pub motive: &'a str,
    /// `indPagtoAPI`: aviso prévio indenizado paid by the employer.
    pub notice_paid: bool,
    /// `dtProjFimAPI`: the projected end of the indemnified notice.
    pub notice_end: Option<NaiveDate>,
    /// `consigFGTS{insConsig, nrContr}`: a loan guaranteed by the FGTS.
    pub fgts: Option<(&'a str, &'a str)>,
}

fn open_event(x: &mut Xml, evt: &str, id: &str) {
    x.open_with("eSocial", "xmlns", &namespace(evt));
    x.open_with(evt, "Id", id);
}

fn employer(x: &mut Xml, s: &EsocialSettings) {
    x.open("ideEmpregador");
    x.leaf("tpInsc", &s.tp_insc.to_string());
    x.leaf("nrInsc", &s.nr_insc);
    x.close("ideEmpregador");
}

fn source(x: &mut Xml, s: &EsocialSettings) {
    x.leaf("tpAmb", &s.tp_amb.to_string());
    x.leaf("procEmi", &s.proc_emi.to_string());
    x.leaf("verProc", &s.ver_proc);
}

fn establishment(x: &mut Xml, s: &EsocialSettings) {
    x.leaf("tpInsc", "1");
    x.leaf("nrInsc", &s.establishment);
    x.leaf("codLotacao", &s.lotacao);
}

fn item(x: &mut Xml, tag: &str, s: &EsocialSettings, i: &Item<'_>) {
    x.open(tag);
    x.leaf("codRubr", i.rubric);
    x.leaf("ideTabRubr", &s.ide_tab_rubr);
    x.leaf("vrRubr", &crate::money::format_money(i.value));
    if let Some(c) = i.consignado {
        x.open("descFolha");
        x.leaf("tpDesc", "1");
        x.leaf("instFinanc", c.inst_financ);
        x.leaf("nrDoc", c.nr_doc);
        x.close("descFolha");
    }
    x.close(tag);
}

/// The `ideDmDev` of demonstrative `n` (0-based) of `base`: `base`, then `base-2`, `base-3`…
fn dm_dev_id(base: &str, n: usize) -> String {
    if n == 0 {
        base.to_owned()
    } else {
        format!("{base}-{}", n + 1)
    }
}

/// S-1010: the inclusion of a consignado rubric (natureza 9253, a discount, FGTS incidence 31
/// "desconto eConsignado", no CP incidence, IRRF code 9 "verba transitada pela folha de
/// pagamento de natureza diversa de rendimento ou retenção/isenção/dedução de IR").
pub fn s1010(s: &EsocialSettings, id: &str, rubric: &Rubric<'_>, ini_valid: &str) -> Vec<u8> {
    let mut x = Xml::new(Vec::with_capacity(1024));
    open_event(&mut x, "evtTabRubrica", id);
    x.open("ideEvento");
    source(&mut x, s);
    x.close("ideEvento");
    employer(&mut x, s);
    x.open("infoRubrica");
    x.open("inclusao");
    x.open("ideRubrica");
    x.leaf("codRubr", rubric.code);
    x.leaf("ideTabRubr", &s.ide_tab_rubr);
    x.leaf("iniValid", ini_valid);
    x.close("ideRubrica");
    x.open("dadosRubrica");
    x.leaf("dscRubr", rubric.description);
    x.leaf("natRubr", "9253");
    x.leaf("tpRubr", "2");
    x.leaf("codIncCP", "00");
    x.leaf("codIncIRRF", "9");
    x.leaf("codIncFGTS", "31");
    x.close("dadosRubrica");
    x.close("inclusao");
    x.close("infoRubrica");
    x.close("evtTabRubrica");
    x.close("eSocial");
    x.finish()
}

/// S-1200 of one worker and month (`per_apur` = `AAAA-MM`): the items under
/// `dmDev/infoPerApur/ideEstabLot/remunPerApur`, 200 per demonstrative, appended to `buf`.
/// `items` is not empty.
pub fn s1200(
    s: &EsocialSettings,
    id: &str,
    per_apur: &str,
    w: &Worker<'_>,
    dm_dev: &str,
    items: &[Item<'_>],
    buf: Vec<u8>,
) -> Vec<u8> {
    let mut x = Xml::new_appending(buf);
    open_event(&mut x, "evtRemun", id);
    x.open("ideEvento");
    x.leaf("indRetif", "1");
    x.leaf("indApuracao", "1");
    x.leaf("perApur", per_apur);
    source(&mut x, s);
    x.close("ideEvento");
    employer(&mut x, s);
    x.open("ideTrabalhador");
    x.leaf("cpfTrab", w.cpf);
    x.close("ideTrabalhador");
    for (n, part) in items.chunks(ITEMS_PER_DEMONSTRATIVE).enumerate() {
        x.open("dmDev");
        x.leaf("ideDmDev", &dm_dev_id(dm_dev, n));
        x.leaf("codCateg", w.category);
        x.open("infoPerApur");
        x.open("ideEstabLot");
        establishment(&mut x, s);
        x.open("remunPerApur");
        x.leaf("matricula", w.matricula);
        for i in part {
            item(&mut x, "itensRemun", s, i);
        }
        x.close("remunPerApur");
        x.close("ideEstabLot");
        x.close("infoPerApur");
        x.close("dmDev");
    }
    x.close("evtRemun");
    x.close("eSocial");
    x.finish()
}

/// S-2299 of one worker: the termination, with the items under
/// `verbasResc/dmDev/infoPerApur/ideEstabLot/detVerbas` (200 per demonstrative) and the
/// `consigFGTS` group, appended to `buf`. `items` may be empty when `consigFGTS` is set.
pub fn s2299(
    s: &EsocialSettings,
    id: &str,
    w: &Worker<'_>,
    dm_dev: &str,
    t: &Termination<'_>,
    items: &[Item<'_>],
    buf: Vec<u8>,
) -> Vec<u8> {
    let mut x = Xml::new_appending(buf);
    open_event(&mut x, "evtDeslig", id);
    x.open("ideEvento");
    x.leaf("indRetif", "1");
    source(&mut x, s);
    x.close("ideEvento");
    employer(&mut x, s);
    x.open("ideVinculo");
    x.leaf("cpfTrab", w.cpf);
    x.leaf("matricula", w.matricula);
    x.close("ideVinculo");
    x.open("infoDeslig");
    x.leaf("mtvDeslig", t.motive);
    x.leaf("dtDeslig", &t.date.format("%Y-%m-%d").to_string());
    x.leaf("indPagtoAPI", if t.notice_paid { "S" } else { "N" });
    if let Some(end) = t.notice_end {
        x.leaf("dtProjFimAPI", &end.format("%Y-%m-%d").to_string());
    }
    if !items.is_empty() {
        x.open("verbasResc");
        for (n, part) in items.chunks(ITEMS_PER_DEMONSTRATIVE).enumerate() {
            x.open("dmDev");
            x.leaf("ideDmDev", &dm_dev_id(dm_dev, n));
            x.open("infoPerApur");
            x.open("ideEstabLot");
            establishment(&mut x, s);
            for i in part {
                item(&mut x, "detVerbas", s, i);
            }
            x.close("ideEstabLot");
            x.close("infoPerApur");
            x.close("dmDev");
        }
        x.close("verbasResc");
    }
    if let Some((ins, contract)) = t.fgts {
        x.open("consigFGTS");
        x.leaf("insConsig", ins);
        x.leaf("nrContr", contract);
        x.close("consigFGTS");
    }
    x.close("infoDeslig");
    x.close("evtDeslig");
    x.close("eSocial");
    x.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_rule_and_never_repeat() {
        let at = NaiveDate::from_ymd_opt(2026, 2, 27)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap();
        assert_eq!(
            event_id(1, "11222333", at, 0),
            "ID1112223330000002026022710000000001"
        );
        assert_eq!(
            event_id(1, "11222333", at, 99_998),
            "ID1112223330000002026022710000099999"
        );
        assert_eq!(
            event_id(1, "11222333", at, 99_999),
            "ID1112223330000002026022710000100001"
        );
        assert_eq!(event_id(2, "12345678909", at, 0).len(), 36);
        let ids: std::collections::BTreeSet<String> = (0..300_000)
            .step_by(7)
            .map(|n| event_id(1, "11222333", at, n))
            .collect();
        assert_eq!(ids.len(), (0..300_000).step_by(7).count());
    }
}
