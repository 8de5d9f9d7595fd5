//! The S-5003 events eSocial returns (`evtBasesFGTS`, "Informações do FGTS por Trabalhador"):
//! per worker, one `eConsignado{instFinanc, nrContrato, vreConsignado}` per contract, the sum
//! of the worker's 9253 items that FGTS Digital charges.
//!
//! Read from the XML files of `esocial_retorno/` in the company folder, as eSocial returns
//! them: a bare `<eSocial><evtBasesFGTS>` event, or wrapped in a lote's reply (every
//! `evtBasesFGTS` of a file is read, whatever wraps it). Namespaces and signatures are not
//! checked: this is a reading of what eSocial holds, not a validation.

use crate::adapters::company::io_message;
use quick_xml::events::Event;
use quick_xml::Reader;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The XML reader's problem in Portuguese.
fn xml_problem(e: &quick_xml::Error) -> &'static str {
    match e {
        quick_xml::Error::Io(_) => "erro de leitura",
        quick_xml::Error::Syntax(_) => {
            "marcação malformada: '<' ou '>' sem par, comentário ou CDATA sem fechar"
        }
        quick_xml::Error::IllFormed(_) => {
            "elementos mal aninhados: uma marca fechada sem ter sido aberta, ou ao contrário"
        }
        quick_xml::Error::Encoding(_) => "codificação de texto inválida",
        _ => "XML malformado",
    }
}

/// Largest S-5003 file read (a month's events of a large employer fit many times over).
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// One total of the S-5003.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnedTotal {
    /// `cpfTrab`.
    pub cpf: String,
    /// `instFinanc`.
    pub inst_financ: String,
    /// `nrContrato`.
    pub contract: String,
    /// `vreConsignado`.
    pub total: Decimal,
    /// The file it came from and its line.
    pub place: String,
}

/// The totals of every S-5003 of the month.
#[derive(Debug, Clone, Default)]
pub struct Returned {
    /// The totals, in file order.
    pub totals: Vec<ReturnedTotal>,
    index: HashMap<(String, String, String), u32>,
    workers: std::collections::HashSet<String>,
    /// Files read.
    pub files: usize,
}

impl Returned {
    /// The total of (CPF, institution, contract): its index in [`Returned::totals`] and value.
    pub fn find(&self, cpf: &str, inst: &str, contract: &str) -> Option<(u32, Decimal)> {
        self.index
            .get(&(cpf.to_owned(), inst.to_owned(), contract.to_owned()))
            .map(|&i| (i, self.totals[i as usize].total))
    }

    /// Does an S-5003 of the worker with `cpf` hold any consignado total?
    pub fn has_worker(&self, cpf: &str) -> bool {
        self.workers.contains(cpf)
    }

    /// Reads every `.xml` file of `dir` (absent folder: `None`). `competencia` is `AAAA-MM`:
    /// an S-5003 of another period is an error, as is a contract given twice.
    pub fn read_dir(dir: &Path, competencia: &str) -> Result<Option<Returned>, String> {
        let entries = match std::fs::read_dir(dir) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("{}: {}", dir.display(), io_message(&e))),
            Ok(entries) => entries,
        };
        let mut paths: Vec<PathBuf> = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| format!("{}: {}", dir.display(), io_message(&e)))?;
            let path = entry.path();
            if path
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("xml"))
            {
                paths.push(path);
            }
        }
        paths.sort();
        let mut returned = Returned::default();
        for path in &paths {
            let meta = std::fs::metadata(path)
                .map_err(|e| format!("{}: {}", path.display(), io_message(&e)))?;
            if !meta.is_file() {
                return Err(format!(
                    "{}: não é um arquivo comum; deixe em {} só os XML do S-5003",
                    path.display(),
                    dir.display()
                ));
            }
            if meta.len() > MAX_FILE_BYTES {
                return Err(format!(
                    "{}: {} bytes, acima do limite de {} MiB por arquivo de S-5003",
                    path.display(),
                    meta.len(),
                    MAX_FILE_BYTES >> 20
                ));
            }
            let bytes = std::fs::read(path)
                .map_err(|e| format!("{}: {}", path.display(), io_message(&e)))?;
            let name = path
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            returned.add_file(&name, &bytes, competencia)?;
        }
        returned.files = paths.len();
        Ok(Some(returned))
    }

    /// Reads one file's S-5003 events (`name` names it in messages).
    pub fn add_file(&mut self, name: &str, bytes: &[u8], competencia: &str) -> Result<(), String> {
        let at = |pos: u64| -> String {
            let upto = &bytes[..(pos as usize).min(bytes.len())];
            let line = upto.iter().filter(|&&b| b == b'\n').count() + 1;
            let col = upto.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
            format!("{name}:{line}:{col}")
        };
        let mut reader = Reader::from_reader(bytes);
        let mut path: Vec<Vec<u8>> = Vec::new();
        let mut text = String::new();
        // The event being read: perApur, cpfTrab, and the eConsignado fields.
        let mut per_apur = String::new();
        let mut cpf = String::new();
        let mut group: [String; 3] = Default::default();
        let mut group_at = 0u64;
        let mut in_event = false;
        let mut buf = Vec::new();
        loop {
            let pos = reader.buffer_position();
            let event = reader.read_event_into(&mut buf).map_err(|e| {
                format!(
                    "{}: XML ilegível ({}); use o arquivo como o eSocial o devolveu",
                    at(reader.error_position()),
                    xml_problem(&e)
                )
            })?;
            match event {
                Event::Start(e) => {
                    let local = e.local_name().as_ref().to_vec();
                    if local == b"evtBasesFGTS" {
                        in_event = true;
                        per_apur.clear();
                        cpf.clear();
                    }
                    if local == b"eConsignado" {
                        group = Default::default();
                        group_at = pos;
                    }
                    path.push(local);
                    text.clear();
                    if path.len() > 64 {
                        return Err(format!("{}: XML aninhado demais", at(pos)));
                    }
                }
                Event::Text(t) => {
                    let decoded = t
                        .decode()
                        .map_err(|_| format!("{}: texto que não é UTF-8", at(pos)))?;
                    text.push_str(&decoded);
                }
                Event::GeneralRef(r) => {
                    if let Some(c) = r
                        .resolve_char_ref()
                        .map_err(|_| format!("{}: referência de caractere inválida", at(pos)))?
                    {
                        text.push(c);
                    } else {
                        let name = r
                            .decode()
                            .map_err(|_| format!("{}: texto que não é UTF-8", at(pos)))?;
                        text.push_str(match name.as_ref() {
                            "amp" => "&",
                            "lt" => "<",
                            "gt" => ">",
                            "quot" => "\"",
                            "apos" => "'",
                            other => {
                                return Err(format!(
                                    "{}: entidade '&{other};' desconhecida: o S-5003 do eSocial usa só as do XML",
                                    at(pos)
                                ))
                            }
                        });
                    }
                }
                Event::End(_) => {
                    let Some(local) = path.pop() else { break };
                    if in_event {
                        let value = text.trim();
                        match local.as_slice() {
                            b"perApur" => per_apur = value.to_owned(),
                            b"cpfTrab" => cpf = value.to_owned(),
                            b"instFinanc" => group[0] = value.to_owned(),
                            b"nrContrato" => group[1] = value.to_owned(),
                            b"vreConsignado" => group[2] = value.to_owned(),
                            b"eConsignado" => {
                                self.add_total(&per_apur, &cpf, &group, competencia, at(group_at))?
                            }
                            b"evtBasesFGTS" => in_event = false,
                            _ => {}
                        }
                    }
                    text.clear();
                }
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        Ok(())
    }

    fn add_total(
        &mut self,
        per_apur: &str,
        cpf: &str,
        group: &[String; 3],
        competencia: &str,
        place: String,
    ) -> Result<(), String> {
        if per_apur != competencia {
            return Err(format!(
                "{place}: S-5003 do período '{per_apur}', o lote é da competência {competencia}: deixe em esocial_retorno só os S-5003 da competência"
            ));
        }
        let total: Decimal = group[2].parse().map_err(|_| {
            format!(
                "{place}: vreConsignado '{}' não é um valor (use 123.45)",
                group[2]
            )
        })?;
        if cpf.is_empty() || group[0].is_empty() || group[1].is_empty() {
            return Err(format!(
                "{place}: eConsignado sem cpfTrab, instFinanc ou nrContrato"
            ));
        }
        let key = (cpf.to_owned(), group[0].clone(), group[1].clone());
        if let Some(&first) = self.index.get(&key) {
            return Err(format!(
                "{place}: o contrato {} ({}) do CPF {cpf} já está em {}: deixe só o S-5003 mais recente do trabalhador",
                group[1], group[0], self.totals[first as usize].place
            ));
        }
        let index =
            u32::try_from(self.totals.len()).map_err(|_| format!("{place}: totais demais"))?;
        self.index.insert(key, index);
        self.workers.insert(cpf.to_owned());
        self.totals.push(ReturnedTotal {
            cpf: cpf.to_owned(),
            inst_financ: group[0].clone(),
            contract: group[1].clone(),
            total,
            place,
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<eSocial xmlns="http://www.esocial.gov.br/schema/evt/evtBasesFGTS/v_S_01_03_00">
<evtBasesFGTS Id="ID1112223330000002026030110000000001">
<ideEvento><nrRecArqBase>1.1.0000000000000000001</nrRecArqBase><indApuracao>1</indApuracao><perApur>2026-02</perApur></ideEvento>
<ideTrabalhador><cpfTrab>12345678909</cpfTrab></ideTrabalhador>
<infoFGTS><ideEstab><ideLotacao><infoTrabFGTS><codCateg>101</codCateg>
<eConsignado><instFinanc>104</instFinanc><nrContrato>123/45-6</nrContrato><vreConsignado>284.41</vreConsignado></eConsignado>
</infoTrabFGTS></ideLotacao></ideEstab></infoFGTS></evtBasesFGTS></eSocial>"#;

    proptest::proptest! {
        /// Any cut or byte change of a real S-5003 reads or fails with the file's name first,
        /// never panics; what reads is found again.
        #[test]
        fn damaged_files_fail_with_their_place(cut in 0usize..ONE.len(), at in 0usize..ONE.len(), byte in 0u8..=255) {
            let mut bytes = ONE.as_bytes()[..cut].to_vec();
            if at < bytes.len() {
                bytes[at] = byte;
            }
            let mut r = Returned::default();
            match r.add_file("x.xml", &bytes, "2026-02") {
                Err(e) => proptest::prop_assert!(e.starts_with("x.xml"), "{}", e),
                Ok(()) => {
                    for (i, t) in r.totals.iter().enumerate() {
                        proptest::prop_assert_eq!(r.find(&t.cpf, &t.inst_financ, &t.contract), Some((i as u32, t.total)));
                    }
                }
            }
        }
    }

    #[test]
    fn reads_the_totals_and_refuses_what_would_be_summed() {
        let mut r = Returned::default();
        r.add_file("a.xml", ONE.as_bytes(), "2026-02").unwrap();
        assert_eq!(
            r.find("12345678909", "104", "123/45-6"),
            Some((0, "284.41".parse().unwrap()))
        );
        assert_eq!(r.totals[0].place, "a.xml:7:1");
        let again = r.add_file("b.xml", ONE.as_bytes(), "2026-02").unwrap_err();
        assert!(again.contains("já está em a.xml:7:1"), "{again}");
        let other = Returned::default()
            .add_file("c.xml", ONE.as_bytes(), "2026-03")
            .unwrap_err();
        assert!(other.contains("período '2026-02'"), "{other}");
        // Character references are read, an unknown entity is refused.
        let with_ref = ONE.replace("<cpfTrab>12345678909", "<cpfTrab>1234567890&#57;");
        let mut r = Returned::default();
        r.add_file("e.xml", with_ref.as_bytes(), "2026-02").unwrap();
        assert!(r.has_worker("12345678909"));
        let unknown = ONE.replace("<nrContrato>123/45-6", "<nrContrato>123&x;");
        let err = Returned::default()
            .add_file("f.xml", unknown.as_bytes(), "2026-02")
            .unwrap_err();
        assert!(
            err.starts_with("f.xml:7:") && err.contains("'&x;'"),
            "{err}"
        );
        let broken = Returned::default()
            .add_file("d.xml", b"<eSocial><evtBasesFGTS></eSocial>", "2026-02")
            .unwrap_err();
        assert!(broken.starts_with("d.xml:1:"), "{broken}");
    }
}
