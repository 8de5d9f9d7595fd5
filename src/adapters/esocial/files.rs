//! Writing the events: in lotes of the eSocial web service (default) or one file per event.
//!
//! - **Lotes** (`arquivos = "lotes"`): each file an `envioLoteEventos` (schema
//!   `EnvioLoteEventos-v1_1_1.xsd`, carried in `docs/esocial/lote/`) of at most 50 events of one
//!   group — 1 tabelas (S-1010), 2 não periódicos (S-2299), 3 periódicos (S-1200) — with
//!   `ideEmpregador` and `ideTransmissor`, one `<evento Id="…">` per line. This is what the web
//!   service `EnviarLoteEventos` receives, and it keeps a month of a million workers to twenty
//!   thousand files. The S-1200 are written by the workers, in parallel, in the lotes of their
//!   chunk of workers: `S-1200/lote_<chunk>_<k>.xml` (chunks of 256 workers in input order,
//!   `k` from 01); the S-1010 and S-2299, few, in lotes numbered in order:
//!   `S-1010/lote_000001.xml`, `S-2299/lote_000001.xml`…
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

fn io(path: &Path, e: &std::io::Error) -> String {
    format!(
        "{}: {}",
        path.display(),
        crate::adapters::company::io_message(e)
    )
}

/// The `grupo` of the lote of an event type.
fn group(kind: EventType) -> u8 {
    match kind {
        EventType::S1010 => 1,
        EventType::S2299 => 2,
        EventType::S1200 => 3,
    }
}

/// Where and how the events of a run are written; shared by the workers.
#[derive(Debug, Clone)]
pub struct EventFiles {
    root: PathBuf,
    layout: FileLayout,
    /// `ideEmpregador` and `ideTransmissor`, the same in every lote.
    head: Vec<u8>,
}

impl EventFiles {
    /// Creates the folders of the three event types under `root`.
    pub fn create(root: &Path, s: &EsocialSettings) -> Result<EventFiles, String> {
        for kind in [EventType::S1010, EventType::S1200, EventType::S2299] {
            let path = root.join(kind.folder());
            std::fs::create_dir_all(&path).map_err(|e| io(&path, &e))?;
        }
        let mut x = Xml::new(Vec::with_capacity(256));
        x.open("ideEmpregador");
        x.leaf("tpInsc", &s.tp_insc.to_string());
        x.leaf("nrInsc", &s.nr_insc);
        x.close("ideEmpregador");
        x.open("ideTransmissor");
        x.leaf("tpInsc", &s.transmitter.0.to_string());
        x.leaf("nrInsc", &s.transmitter.1);
        x.close("ideTransmissor");
        Ok(EventFiles {
            root: root.to_path_buf(),
            layout: s.layout,
            head: x.finish(),
        })
    }

    /// One file per event?
    pub fn one_per_event(&self) -> bool {
        self.layout == FileLayout::Events
    }

    /// Writes one event as its own file (`arquivos = "eventos"`).
    pub fn write_event(&self, kind: EventType, id: &str, doc: &[u8]) -> Result<(), String> {
        let path = self.root.join(kind.folder()).join(format!("{id}.xml"));
        let mut bytes = Vec::with_capacity(doc.len() + DECLARATION.len() + 1);
        bytes.extend_from_slice(DECLARATION);
        bytes.extend_from_slice(doc);
        bytes.push(b'\n');
        std::fs::write(&path, bytes).map_err(|err| io(&path, &err))
    }

    /// Starts a lote of `kind` in `buf` (cleared).
    fn open_lote(&self, kind: EventType, buf: &mut Vec<u8>) {
        buf.clear();
        buf.extend_from_slice(DECLARATION);
        let mut x = Xml::new_appending(std::mem::take(buf));
        x.open_with("eSocial", "xmlns", LOTE_NAMESPACE);
        x.open_with("envioLoteEventos", "grupo", &group(kind).to_string());
        x.raw(&self.head);
        x.open("eventos");
        *buf = x.finish();
    }

    /// Adds one event to the lote in `buf`, on its own line.
    fn add(buf: &mut Vec<u8>, id: &str, doc: &[u8]) {
        buf.push(b'\n');
        let mut x = Xml::new_appending(std::mem::take(buf));
        x.open_with("evento", "Id", id);
        x.raw(doc);
        x.close("evento");
        *buf = x.finish();
    }

    /// Ends the lote in `buf` and writes it as `name` in the folder of `kind`.
    fn close_lote(&self, kind: EventType, buf: &mut Vec<u8>, name: &str) -> Result<(), String> {
        buf.push(b'\n');
        let mut x = Xml::new_appending(std::mem::take(buf));
        x.close("eventos");
        x.close("envioLoteEventos");
        x.close("eSocial");
        *buf = x.finish();
        buf.push(b'\n');
        let path = self.root.join(kind.folder()).join(name);
        std::fs::write(&path, &buf).map_err(|e| io(&path, &e))
    }

    /// Writes the events of one chunk of workers (`chunk`: its number in input order), all
    /// of type `kind`, in lotes of their own: `lote_<chunk>_<k>.xml`. Returns the files
    /// written. `scratch` is reused for the lote's bytes.
    pub fn write_chunk<'a>(
        &self,
        kind: EventType,
        chunk: u64,
        events: impl Iterator<Item = (&'a str, &'a [u8])>,
        scratch: &mut Vec<u8>,
    ) -> Result<u64, String> {
        let mut in_lote = 0;
        let mut files = 0;
        for (id, doc) in events {
            if in_lote == 0 {
                self.open_lote(kind, scratch);
            }
            Self::add(scratch, id, doc);
            in_lote += 1;
            if in_lote == EVENTS_PER_LOTE {
                files += 1;
                self.close_lote(kind, scratch, &format!("lote_{chunk:06}_{files:02}.xml"))?;
                in_lote = 0;
            }
        }
        if in_lote > 0 {
            files += 1;
            self.close_lote(kind, scratch, &format!("lote_{chunk:06}_{files:02}.xml"))?;
        }
        Ok(files)
    }
}

/// The lote being filled for one event type.
#[derive(Debug, Default)]
struct Open {
    buf: Vec<u8>,
    events: usize,
    written: u32,
}

/// Writes events one after the other in lotes numbered in order (`lote_000001.xml`…): the
/// S-1010 and S-2299 of a run, or every event of a caller that writes them in one place.
#[derive(Debug)]
pub struct EventWriter {
    files: EventFiles,
    open: [Open; 3],
}

impl EventWriter {
    /// A writer into `files`.
    pub fn new(files: EventFiles) -> EventWriter {
        EventWriter {
            files,
            open: Default::default(),
        }
    }

    /// Writes one event, `doc` its `<eSocial>` document (in lote mode, into the lote of its
    /// type, written when full).
    pub fn write(&mut self, kind: EventType, id: &str, doc: &[u8]) -> Result<(), String> {
        if self.files.one_per_event() {
            return self.files.write_event(kind, id, doc);
        }
        let open = &mut self.open[kind as usize];
        if open.events == 0 {
            self.files.open_lote(kind, &mut open.buf);
        }
        EventFiles::add(&mut open.buf, id, doc);
        open.events += 1;
        if open.events == EVENTS_PER_LOTE {
            self.flush(kind)?;
        }
        Ok(())
    }

    fn flush(&mut self, kind: EventType) -> Result<(), String> {
        let open = &mut self.open[kind as usize];
        if open.events == 0 {
            return Ok(());
        }
        open.written += 1;
        open.events = 0;
        let name = format!("lote_{:06}.xml", open.written);
        self.files.close_lote(kind, &mut open.buf, &name)
    }

    /// Writes the lotes not yet full.
    pub fn finish(&mut self) -> Result<(), String> {
        for kind in [EventType::S1010, EventType::S1200, EventType::S2299] {
            self.flush(kind)?;
        }
        Ok(())
    }
}
