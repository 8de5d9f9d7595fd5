//! The XML signature eSocial requires on every event: enveloped (`Reference URI=""`, the
//! whole `<eSocial>` document without the signature), Canonical XML 1.0 without comments,
//! RSA with SHA-256 (`xmldsig-more#rsa-sha256`), SHA-256 digest, and the signer's X.509
//! certificate in `KeyInfo` (eSocial, Manual de Orientação do Desenvolvedor, "Assinatura
//! digital": padrão XMLDSig, certificado ICP-Brasil A1 ou A3).
//!
//! The key and certificate come from a PKCS#12 file (`.pfx`, the A1 certificate as issued),
//! read with `p12-keystore` (PBES2/AES files and the legacy 3DES/RC2 ones); the RSA operation
//! and the digests are `aws-lc-rs`. The event bytes are already canonical ([`super::xml`]),
//! so the digest is taken over them as they are, and `SignedInfo` is canonicalised by writing
//! it with the namespace it inherits from `Signature`.

use super::xml::Xml;
use aws_lc_rs::digest;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{RsaKeyPair, RSA_PKCS1_SHA256};
use base64::Engine as _;

const DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";
const C14N: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";

/// A signer: the private key and the certificate of a PKCS#12 file.
pub struct Signer {
    key: RsaKeyPair,
    certificate_b64: String,
    subject: String,
    rng: SystemRandom,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// Reads a PKCS#12 file. The messages say what to do (wrong password, no key, not RSA).
    pub fn from_pkcs12(data: &[u8], password: &str) -> Result<Signer, String> {
        let store = p12_keystore::KeyStore::from_pkcs12(
            data,
            password,
            p12_keystore::Pkcs12ImportPolicy::default(),
        )
        .map_err(|e| {
            let text = e.to_string();
            if text.to_lowercase().contains("mac") {
                "a senha do certificado não confere (ou o arquivo está corrompido)".to_owned()
            } else {
                format!("o arquivo não é um certificado PKCS#12 (.pfx) legível: {text}")
            }
        })?;
        let (_, chain) = store.private_key_chain().ok_or_else(|| {
            "o arquivo .pfx não traz a chave privada: exporte o certificado A1 com a chave"
                .to_owned()
        })?;
        let certificate = chain.certs().first().ok_or_else(|| {
            "o arquivo .pfx traz a chave mas não o certificado: exporte-o com a cadeia".to_owned()
        })?;
        let key = RsaKeyPair::from_pkcs8(chain.key().as_der()).map_err(|_| {
            "a chave do certificado não é RSA (o eSocial exige RSA com SHA-256)".to_owned()
        })?;
        if key.public_modulus_len() < 256 {
            return Err(format!(
                "a chave RSA tem {} bits: o eSocial exige ao menos 2048",
                key.public_modulus_len() * 8
            ));
        }
        Ok(Signer {
            key,
            certificate_b64: base64::engine::general_purpose::STANDARD.encode(certificate.as_der()),
            subject: certificate.subject().to_owned(),
            rng: SystemRandom::new(),
        })
    }

    /// The certificate's subject (for the summary).
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// Signs the canonical document `doc` (an `<eSocial>` element, [`super::events`]) and
    /// returns it with the `Signature` as the last child of `<eSocial>`.
    pub fn sign(&self, doc: &[u8]) -> Result<Vec<u8>, String> {
        const END: &[u8] = b"</eSocial>";
        let body = doc
            .strip_suffix(END)
            .ok_or_else(|| "documento sem </eSocial> final".to_owned())?;
        let b64 = &base64::engine::general_purpose::STANDARD;
        let digest_value = b64.encode(digest::digest(&digest::SHA256, doc));

        let mut inner = Xml::new(Vec::with_capacity(512));
        inner.empty_with("CanonicalizationMethod", "Algorithm", C14N);
        inner.empty_with(
            "SignatureMethod",
            "Algorithm",
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        );
        inner.open_with("Reference", "URI", "");
        inner.open("Transforms");
        inner.empty_with(
            "Transform",
            "Algorithm",
            "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
        );
        inner.empty_with("Transform", "Algorithm", C14N);
        inner.close("Transforms");
        inner.empty_with(
            "DigestMethod",
            "Algorithm",
            "http://www.w3.org/2001/04/xmlenc#sha256",
        );
        inner.leaf("DigestValue", &digest_value);
        inner.close("Reference");
        let inner = inner.finish();

        // SignedInfo canonicalised alone carries the namespace it inherits from Signature.
        let mut canonical = Vec::with_capacity(inner.len() + 80);
        canonical.extend_from_slice(b"<SignedInfo xmlns=\"");
        canonical.extend_from_slice(DSIG.as_bytes());
        canonical.extend_from_slice(b"\">");
        canonical.extend_from_slice(&inner);
        canonical.extend_from_slice(b"</SignedInfo>");
        let mut signature = vec![0u8; self.key.public_modulus_len()];
        self.key
            .sign(&RSA_PKCS1_SHA256, &self.rng, &canonical, &mut signature)
            .map_err(|_| "a assinatura RSA falhou".to_owned())?;

        let mut out = Vec::with_capacity(doc.len() + inner.len() + 2 * self.certificate_b64.len());
        out.extend_from_slice(body);
        let mut sig = Xml::new(Vec::with_capacity(4096));
        sig.open_with("Signature", "xmlns", DSIG);
        sig.open("SignedInfo");
        let mut head = sig.finish();
        head.extend_from_slice(&inner);
        out.extend_from_slice(&head);
        let mut tail = Xml::new(Vec::with_capacity(4096));
        tail.close("SignedInfo");
        tail.leaf("SignatureValue", &b64.encode(&signature));
        tail.open("KeyInfo");
        tail.open("X509Data");
        tail.leaf("X509Certificate", &self.certificate_b64);
        tail.close("X509Data");
        tail.close("KeyInfo");
        tail.close("Signature");
        out.extend_from_slice(&tail.finish());
        out.extend_from_slice(END);
        Ok(out)
    }
}
