//! Crédito do Trabalhador: the monthly file of installments the employer receives from the
//! government platform (Portal Emprega Brasil download, or the Dataprev employer API), read
//! into raw records ([`read`]) and normalised into [`GovInstallment`]s ([`record`]).
//!
//! Pure: bytes in, records or reasons out. Nothing here knows a company folder, an employee
//! or a rule; matching records to employees and discounting them is the caller's job.
//!
//! # Formats accepted
//!
//! The format is detected from the content, never from the file name:
//!
//! - **XLSX** (the file starts with the zip signature `PK\x03\x04`): the first worksheet; its
//!   first non-empty row is the header.
//! - **JSON** (the first non-blank character, after an optional UTF-8 BOM, is `[` or `{`):
//!   - an array of records, with flattened dotted keys (`"ifConcessora.codigo": 104`) or nested
//!     objects (`"ifConcessora": {"codigo": 104}`), or both mixed: they read the same;
//!   - the API envelope `{"Ambiente": "2", "Arquivo": "<base64 of the JSON array>"}`; line
//!     numbers then refer to the decoded array;
//!   - the API error reply `{"erros": [{"codigo": "LF", "mensagem": "…"}]}` gives a
//!     [`ReadError`] quoting each code and message, with what the code means (LF: no records
//!     for that employer and competência; CT: competência inválida ou ainda não fechada; OZ:
//!     service suspended; PR: no procuração; SJ/SP/SQ/SU: employer CNPJ/CPF refused).
//! - **CSV** (anything else): `;`-separated, a header row with the same dotted keys (matched
//!   case-insensitively, trimmed), UTF-8 with an optional BOM or, when the bytes are not UTF-8,
//!   Windows-1252 (Brazilian Excel exports). Excel's text forcing `="00057685400"` and stray
//!   surrounding quotes are removed.
//!
//! # Decisions
//!
//! - Every value is kept as **text** in [`RawRecord::fields`]: JSON numbers keep their exact
//!   digits (serde_json `arbitrary_precision`), JSON `null` is `""`. Identity fields (CPF,
//!   matrícula, contract, CNPJ) never pass through a number.
//! - Leading zeros lost by a number are put back only where the width is fixed by the layout:
//!   CPF to 11 digits, institution code to 3 (eSocial `instFinanc`), CNPJ raiz to 8 and full
//!   CNPJ to 14. The contract number is never padded, truncated or cleaned: it must already
//!   follow eSocial `nrDoc` ([`is_valid_nr_doc`]), or it is reported.
//! - Money is [`rust_decimal::Decimal`], read by [`crate::money::parse_money`]: `284,41`,
//!   `284.41`, `1.234,56`, and `303` means 303,00 (never 3,03). An XLSX number cell is turned
//!   into text at once (integers as their digits, other values by the shortest round-trip
//!   representation, values of 1e15 and above in scientific notation so that a mangled
//!   contract or CPF is reported instead of silently accepted).
//! - A structural fault (invalid JSON, a record that is not an object, an array value, a CSV
//!   row of the wrong width, a repeated key) stops the file with its line: the file is not
//!   what the platform produces, and reading part of it would lose installments silently. A
//!   fault in a field's value only rejects that record, with every problem it has
//!   ([`normalize`] returns them all).
//! - Limits: files over 512 MiB are refused, an XLSX whose declared content exceeds 1 GiB is
//!   refused, JSON nesting is bounded; no input makes the reader panic or hang.
//!
//! # Public sources
//!
//! - Dataprev, "Manual de Comunicação – Empregador – 001 – Dados de consignações para
//!   empregadores" v1.7 (API `dados-consignacoes-empregador?codigoInscricao=…&numeroInscricao=…&competencia=AAAAMM`,
//!   mTLS with an ICP-Brasil certificate); the record's keys as typed by integrators.
//! - TOTVS TDN, Crédito do Trabalhador API (envelope `{"Ambiente", "Arquivo"}` with the base64
//!   array): <https://tdninterno.totvs.com/plugins/viewsource/viewpagesrc.action?pageId=982932048>.
//! - Public emulator of the employer API, `rogick/emulador-credito-trabalhador` (error replies
//!   `{"erros":[{"codigo","mensagem"}]}`, codes CT, LF, PR, SJ/SP/SQ/SU).
//! - eSocial S-1.3 `tipos.xsd`, `TS_nrDoc` (2–15 characters, letters, digits and `. / - _`,
//!   punctuation never first or last) and `TS_instFinanc` (`\d{3}`):
//!   <https://www.gov.br/esocial/pt-br/documentacao-tecnica>; NT S-1.3 06/2026 (alphanumeric
//!   CNPJ `[A-Z0-9]{12}\d{2}`).
//! - Users' reports: decimals without `,00` read as cents (Domínio,
//!   <https://suporte.dominioatendimento.com/central/faces/solucao.html?codigo=11639>); leading
//!   zeros and long numbers destroyed by spreadsheets (JBSoft,
//!   <https://blog.jbsoft.com.br/credito-do-trabalhador-consignado-comunicado-importante>).

pub mod import;
mod json;
mod json_stream;
pub mod read;
pub mod record;
mod table;

pub use read::{
    read_bytes, read_bytes_map, read_path, read_path_map, RawRecord, ReadError, RecordMap,
    SourceFile, SourceFormat,
};
pub use record::{is_valid_nr_doc, normalize, FieldProblem, GovInstallment};

/// The keys of a record in the flattened form (Dataprev layout, as integrators type it).
pub const KNOWN_KEYS: [&str; 27] = [
    "ifConcessora.codigo",
    "ifConcessora.descricao",
    "contrato",
    "cpf",
    "matricula",
    "inscricaoEmpregador.codigo",
    "inscricaoEmpregador.descricao",
    "numeroInscricaoEmpregador",
    "inscricaoEstabelecimento.codigo",
    "inscricaoEstabelecimento.descricao",
    "numeroInscricaoEstabelecimento",
    "nomeTrabalhador",
    "nomeEmpregador",
    "dataInicioContrato",
    "dataFimContrato",
    "dataAdmissao",
    "competenciaInicioDesconto",
    "competenciaFimDesconto",
    "competencia",
    "totalParcelas",
    "qtdPagamentos",
    "qtdEscrituracoes",
    "valorParcela",
    "valorEmprestimo",
    "valorLiberado",
    "categoriaTrabalhador.codigo",
    "categoriaTrabalhador.descricao",
];
