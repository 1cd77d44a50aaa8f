//! EIP-712 typed data as `eth_signTypedData_v4` signs it: strict bounded JSON, `hashStruct`, the digest, the display, the signature.
//!
//! [`TypedData::parse`] checks a whole document `{types, primaryType,
//! domain, message}` (the JSON in `json`, the types in `types`, the values
//! in `value`, the walk over them in `walk`) and hashes it once; [`TypedData::digest`] is then
//! `keccak256(0x19 ‖ 0x01 ‖ domainSeparator ‖ hashStruct(message))`, and
//! [`TypedData::display`] writes every domain and message field for the
//! user. [`HashOnly`] is the blind form: the two hashes given directly.
//! [`sign_typed_data`] signs a digest as `r ‖ s ‖ v` (v = 27/28).

mod json;
mod types;
mod value;
mod walk;

use core::fmt::Write;

use k256::ecdsa::SigningKey;

use crate::error::{Error, Result, TypedDataError};
use crate::B256;
use json::{Document, Kind};
use types::{Types, DOMAIN, DOMAIN_FIELDS};

/// A checked EIP-712 document, hashed; it borrows the JSON text.
///
/// About 9 KiB (the value table of [`crate::limits::MAX_JSON_VALUES`]
/// nodes and the type table): on a small stack, keep it in a `static` or a `Box`.
pub struct TypedData<'a> {
    doc: Document<'a>,
    types: Types<'a>,
    primary: u8,
    domain_type: u8,
    domain: u16,
    message: u16,
    domain_separator: B256,
    message_hash: B256,
}

fn td(error: TypedDataError, at: usize) -> Error {
    Error::TypedData { error, at }
}

/// The four members of the document, in the order they are looked up.
const MEMBERS: [&str; 4] = ["types", "primaryType", "domain", "message"];

impl<'a> TypedData<'a> {
    /// Parses and checks `json` (see the crate README for every rule) and
    /// computes the domain separator and the message hash.
    pub fn parse(json: &'a [u8]) -> Result<Self> {
        let doc = Document::parse(json)?;
        let root = doc.root();
        let top = doc.node(root);
        if top.kind != Kind::Object {
            return Err(td(
                TypedDataError::Expected {
                    expected: "an object",
                },
                top.at(),
            ));
        }
        for m in doc.children(root) {
            let n = doc.node(m);
            if !MEMBERS.contains(&doc.key_of(&n)) {
                return Err(td(TypedDataError::UnknownMember, n.at()));
            }
        }
        let [types_node, primary_node, domain, message] = MEMBERS.map(|name| {
            doc.member(root, name)
                .ok_or_else(|| td(TypedDataError::MissingMember { name }, top.at()))
        });
        let (types_node, primary_node, domain, message) =
            (types_node?, primary_node?, domain?, message?);
        let mut types = Types::parse(&doc, types_node)?;

        let p = doc.node(primary_node);
        let primary_name = doc.plain_str(&p).ok_or_else(|| {
            td(
                TypedDataError::Expected {
                    expected: "a type name",
                },
                p.at(),
            )
        })?;
        if primary_name == DOMAIN {
            return Err(td(TypedDataError::PrimaryTypeIsDomain, p.at()));
        }
        let primary = types
            .find(primary_name)
            .ok_or_else(|| td(TypedDataError::UnknownType, p.at()))?;

        let domain_type = domain_type(&doc, &mut types, domain)?;
        let used = types.closure(primary) | types.closure(domain_type);
        types.hash_types(used);
        let domain_separator = walk::hash_struct(&doc, &types, domain_type, domain)?;
        let message_hash = walk::hash_struct(&doc, &types, primary, message)?;
        Ok(Self {
            doc,
            types,
            primary,
            domain_type,
            domain,
            message,
            domain_separator,
            message_hash,
        })
    }

    /// `hashStruct(domain)`: the domain separator.
    pub fn domain_separator(&self) -> B256 {
        self.domain_separator
    }

    /// `hashStruct(message)`.
    pub fn message_hash(&self) -> B256 {
        self.message_hash
    }

    /// The hash signed: `keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(message))`.
    pub fn digest(&self) -> B256 {
        digest(&self.domain_separator, &self.message_hash)
    }

    /// The name of the primary type.
    pub fn primary_type(&self) -> &'a str {
        self.types.name(self.primary)
    }

    /// `encodeType` of the primary type, passed to `out` in pieces.
    pub fn encode_type(&self, out: &mut impl FnMut(&[u8])) {
        self.types.encode_type(self.primary, out);
    }

    /// Writes the display, one line per value:
    ///
    /// ```text
    /// EIP-712 typed data: Mail
    /// domain: EIP712Domain
    /// domain.name: string = "Ether Mail"
    /// …
    /// message: Mail
    /// message.from: Person
    /// message.from.wallet: address = 0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826
    /// message.to: Person[] (1 item)
    /// message.to[0]: Person
    /// …
    /// domain separator: 0x…
    /// message hash: 0x…
    /// digest: 0x…
    /// ```
    ///
    /// Values: addresses EIP-55 checksummed, integers in decimal, bytes in
    /// lower-case hex, strings quoted with everything but printable ASCII
    /// escaped (`\n`, `\"`, `\\`, `\u{..}`), so no value can forge a line.
    /// A writer that refuses text (full) is [`Error::DisplayFull`].
    pub fn display(&self, w: &mut impl Write) -> Result<()> {
        writeln!(w, "EIP-712 typed data: {}", self.primary_type())
            .map_err(|_| Error::DisplayFull)?;
        walk::display(
            &self.doc,
            &self.types,
            "domain",
            self.domain_type,
            self.domain,
            w,
        )?;
        walk::display(
            &self.doc,
            &self.types,
            "message",
            self.primary,
            self.message,
            w,
        )?;
        write_hashes(w, &self.domain_separator, &self.message_hash)
    }
}

/// The type of the domain: `types.EIP712Domain` if given (its standard fields
/// with their standard types), else one of the standard fields the domain has.
fn domain_type(doc: &Document<'_>, types: &mut Types<'_>, domain: u16) -> Result<u8> {
    let d = doc.node(domain);
    if d.kind != Kind::Object {
        return Err(td(
            TypedDataError::Expected {
                expected: "an object",
            },
            d.at(),
        ));
    }
    if let Some(t) = types.find(DOMAIN) {
        for f in types.fields_of(t) {
            if DOMAIN_FIELDS
                .iter()
                .any(|&(name, ty, _)| name == f.name && ty != f.ty)
            {
                return Err(td(TypedDataError::DomainFieldType, d.at()));
            }
        }
        return Ok(t);
    }
    let mut present = 0u8;
    for m in doc.children(domain) {
        let n = doc.node(m);
        let key = doc.key_of(&n);
        let i = DOMAIN_FIELDS
            .iter()
            .position(|&(name, _, _)| name == key)
            .ok_or_else(|| td(TypedDataError::UnknownField, n.at()))?;
        present |= 1 << i;
    }
    types.add_domain(present, d.at())
}

/// `keccak256(0x19 ‖ 0x01 ‖ domain_separator ‖ message_hash)`.
pub fn digest(domain_separator: &B256, message_hash: &B256) -> B256 {
    let mut buf = [0u8; 66];
    buf[0] = 0x19;
    buf[1] = 0x01;
    buf[2..34].copy_from_slice(domain_separator);
    buf[34..].copy_from_slice(message_hash);
    evm_core::keccak256(&buf)
}

fn write_hashes(w: &mut impl Write, domain_separator: &B256, message_hash: &B256) -> Result<()> {
    let mut line = |label: &str, h: &B256| -> core::fmt::Result {
        w.write_str(label)?;
        value::write_hex(w, h)?;
        w.write_char('\n')
    };
    line("domain separator: ", domain_separator)
        .and_then(|()| line("message hash: ", message_hash))
        .and_then(|()| line("digest: ", &digest(domain_separator, message_hash)))
        .map_err(|_| Error::DisplayFull)
}

/// The blind form of a typed-data request: the domain separator and the
/// message hash given directly, nothing to show but the hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashOnly {
    /// `hashStruct(domain)`.
    pub domain_separator: B256,
    /// `hashStruct(message)`.
    pub message_hash: B256,
}

impl HashOnly {
    /// The hash signed, as [`TypedData::digest`].
    pub fn digest(&self) -> B256 {
        digest(&self.domain_separator, &self.message_hash)
    }

    /// Always true: the device cannot show what a hash-only request signs.
    pub fn is_blind(&self) -> bool {
        true
    }

    /// Writes the display: the blind-signing warning and the three hashes.
    ///
    /// ```text
    /// EIP-712 typed data: hash only (BLIND SIGNING)
    /// warning: the message cannot be shown; sign only if you trust where these hashes come from
    /// domain separator: 0x…
    /// message hash: 0x…
    /// digest: 0x…
    /// ```
    pub fn display(&self, w: &mut impl Write) -> Result<()> {
        w.write_str(
            "EIP-712 typed data: hash only (BLIND SIGNING)\n\
             warning: the message cannot be shown; sign only if you trust where these hashes come from\n",
        )
        .map_err(|_| Error::DisplayFull)?;
        write_hashes(w, &self.domain_separator, &self.message_hash)
    }
}

/// Signs an EIP-712 digest: `r ‖ s ‖ v` with `v = 27 + yParity`, as `eth_signTypedData_v4` returns it.
pub fn sign_typed_data(key: &SigningKey, digest: &B256) -> Result<[u8; 65]> {
    Ok(crate::sign::sign_hash(key, digest)?.to_rsv())
}
