//! The XML of the events, written with `quick-xml` directly in canonical form (Canonical XML
//! 1.0, the `CanonicalizationMethod` of the signature): no XML declaration inside the signed
//! bytes, no whitespace between elements, every element with a start and an end tag, text
//! escaped as C14N escapes it (`&`, `<`, `>` only) and one attribute per element at most.
//!
//! Written that way, the bytes of an event are their own canonical form, so the digest of the
//! signature is taken over them as they are (`tests/esocial.rs` checks that
//! `xmllint --c14n` leaves every event unchanged).

use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

/// A canonical XML writer over a byte buffer.
pub struct Xml {
    writer: Writer<Vec<u8>>,
}

impl Xml {
    /// A writer appending to `buf` (cleared first).
    pub fn new(mut buf: Vec<u8>) -> Xml {
        buf.clear();
        Xml {
            writer: Writer::new(buf),
        }
    }

    /// A writer appending to what `buf` already holds.
    pub fn new_appending(buf: Vec<u8>) -> Xml {
        Xml {
            writer: Writer::new(buf),
        }
    }

    /// Appends `bytes`, a complete XML element written by this module (an event inside a
    /// lote).
    pub fn raw(&mut self, bytes: &[u8]) {
        self.writer.get_mut().extend_from_slice(bytes);
    }

    /// Opens `<name>`.
    pub fn open(&mut self, name: &str) {
        // Writing into a `Vec` cannot fail.
        let _ = self.writer.write_event(Event::Start(BytesStart::new(name)));
    }

    /// Opens `<name key="value">` (the value holds no character to escape: ids and URIs).
    pub fn open_with(&mut self, name: &str, key: &str, value: &str) {
        let start = BytesStart::new(name).with_attributes([(key, value)]);
        let _ = self.writer.write_event(Event::Start(start));
    }

    /// Closes `</name>`.
    pub fn close(&mut self, name: &str) {
        let _ = self.writer.write_event(Event::End(BytesEnd::new(name)));
    }

    /// `<name>text</name>`.
    pub fn leaf(&mut self, name: &str, text: &str) {
        self.open(name);
        self.text(text);
        self.close(name);
    }

    /// `<name key="value"></name>`: an empty element in canonical form.
    pub fn empty_with(&mut self, name: &str, key: &str, value: &str) {
        self.open_with(name, key, value);
        self.close(name);
    }

    /// Character data, escaped as C14N does.
    pub fn text(&mut self, text: &str) {
        let escaped = quick_xml::escape::partial_escape(text);
        let _ = self
            .writer
            .write_event(Event::Text(BytesText::from_escaped(escaped)));
    }

    /// The bytes written.
    pub fn finish(self) -> Vec<u8> {
        self.writer.into_inner()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_shapes() {
        let mut x = Xml::new(Vec::new());
        x.open_with("eSocial", "xmlns", "http://x/y");
        x.leaf("a", "1 < 2 & \"3\" > 'b'");
        x.empty_with("b", "Algorithm", "http://z");
        x.close("eSocial");
        assert_eq!(
            String::from_utf8(x.finish()).unwrap(),
            "<eSocial xmlns=\"http://x/y\"><a>1 &lt; 2 &amp; \"3\" &gt; 'b'</a><b Algorithm=\"http://z\"></b></eSocial>"
        );
    }
}
