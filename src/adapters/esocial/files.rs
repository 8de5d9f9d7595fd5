//! Writing the events: in lotes of the eSocial web service (default) or one file per event.
//!
//! - **Lotes** (`arquivos = "lotes"`): `esocial/<tipo>/lote_000001.xml`, each an
//!   `envioLoteEventos` (schema `EnvioLoteEventos-v1_1_1.xsd`, carried in `docs/esocial/`) of at
//!   most 50 events of one group — 1 tabelas (S-1010), 2 não periódicos (S-2299), 3 periódicos
//!   (S-1200) — with `ideEmpregador` and `ideTransmissor`, one `<evento Id="…">` per line. This
//!   is what the web service `EnviarLoteEventos` receives, and it keeps a month of a million
//!   workers to twenty thousand files.
//! - **One file per event** (`arquivos = "eventos"`): `esocial/<tipo>/<Id>.xml`, for
//!   transmitters that import events one by one.
//!
//! Each event inside a lote is byte for byte the event of its own file: its signature (over
//! the `<eSocial>` element of the event, `Reference URI=""`) is verified on the event as the
//! eSocial service extracts it from the lote.

use super::month::EventType;
use super::settings::{EsocialSettings, FileLayout};
use super::xml::Xml;
use std::path::{Path, PathBuf};

/// Events per lote (the limit of the web service).
pub const EVENTS_PER_LOTE: usize = 50;

/// The namespace of the lote.
pub const LOTE_NAMESPACE: &str = "http://www.esocial.gov.br/schema/lote/eventos/envio/v1_1_1";

const DECLARATION: &[u8] = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// The lote being filled for one event type.
#[derive(Debug, Default)]
struct Open {
    buf: Vec<u8>,
    events: usize,
    written: u32,
}

/// Writes the events of a run under `root` (`esocial/` of the run's temporary folder).
#[derive(Debug)]
pub struct EventWriter {
    root: PathBuf,
    layout: FileLayout,
    head: Vec<u8>,
    open: [Open; 3],
    /// Files written.
    pub files: u64,
}

fn io(path: &Path, e: &std::io::Error) -> String {
    format!(
        "{}: {}",
        path.display(),
        crate::adapters::company::io_message(e)
    )
}

impl EventWriter {
    /// Creates the folders of the three event types.
    pub fn create(root: &Path, s: &EsocialSettings) -> Result<EventWriter, String> {
        for kind in [EventType::S1010, EventType::S1200, EventType::S2299] {
            let path = root.join(kind.folder());
            std::fs::create_dir_all(&path).map_err(|e| io(&path, &e))?;
        }
        // ideEmpregador and ideTransmissor, the same in every lote.
        let mut x = Xml::new(Vec::with_capacity(256));
        x.open("ideEmpregador");
        x.leaf("tpInsc", &s.tp_insc.to_string());
        x.leaf("nrInsc", &s.nr_insc);
        x.close("ideEmpregador");
        x.open("ideTransmissor");
        x.leaf("tpInsc", &s.transmitter.0.to_string());
        x.leaf("nrInsc", &s.transmitter.1);
        x.close("ideTransmissor");
        Ok(EventWriter {
            root: root.to_path_buf(),
            layout: s.layout,
            head: x.finish(),
            open: Default::default(),
            files: 0,
        })
    }

    /// Writes one event, `doc` its `<eSocial>` document (in lote mode, into the lote of its
    /// type, written when full).
    pub fn write(&mut self, kind: EventType, id: &str, doc: &[u8]) -> Result<(), String> {
        match self.layout {
            FileLayout::Events => {
                let path = self.root.join(kind.folder()).join(format!("{}.xml", id));
                let mut bytes = Vec::with_capacity(doc.len() + DECLARATION.len() + 1);
                bytes.extend_from_slice(DECLARATION);
                bytes.extend_from_slice(doc);
                bytes.push(b'\n');
                std::fs::write(&path, bytes).map_err(|err| io(&path, &err))?;
                self.files += 1;
                Ok(())
            }
            FileLayout::Lotes => {
                let group = match kind {
                    EventType::S1010 => 1,
                    EventType::S2299 => 2,
                    EventType::S1200 => 3,
                };
                let open = &mut self.open[kind as usize];
                if open.events == 0 {
                    open.buf.clear();
                    open.buf.extend_from_slice(DECLARATION);
                    let mut x = Xml::new_appending(std::mem::take(&mut open.buf));
                    x.open_with("eSocial", "xmlns", LOTE_NAMESPACE);
                    x.open_with("envioLoteEventos", "grupo", &group.to_string());
                    let mut buf = x.finish();
                    buf.extend_from_slice(&self.head);
                    let mut x = Xml::new_appending(buf);
                    x.open("eventos");
                    open.buf = x.finish();
                }
                open.buf.push(b'\n');
                let mut x = Xml::new_appending(std::mem::take(&mut open.buf));
                x.open_with("evento", "Id", id);
                x.raw(doc);
                x.close("evento");
                open.buf = x.finish();
                open.events += 1;
                if open.events == EVENTS_PER_LOTE {
                    self.flush(kind)?;
                }
                Ok(())
            }
        }
    }

    fn flush(&mut self, kind: EventType) -> Result<(), String> {
        let open = &mut self.open[kind as usize];
        if open.events == 0 {
            return Ok(());
        }
        open.buf.push(b'\n');
        let mut x = Xml::new_appending(std::mem::take(&mut open.buf));
        x.close("eventos");
        x.close("envioLoteEventos");
        x.close("eSocial");
        let mut buf = x.finish();
        buf.push(b'\n');
        open.written += 1;
        let path = self
            .root
            .join(kind.folder())
            .join(format!("lote_{:06}.xml", open.written));
        let written = std::fs::write(&path, &buf).map_err(|e| io(&path, &e));
        open.buf = buf;
        open.events = 0;
        self.files += 1;
        written
    }

    /// Writes the lotes not yet full.
    pub fn finish(&mut self) -> Result<(), String> {
        for kind in [EventType::S1010, EventType::S1200, EventType::S2299] {
            self.flush(kind)?;
        }
        Ok(())
    }
}
