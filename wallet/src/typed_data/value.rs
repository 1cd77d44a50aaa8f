//! Atomic and dynamic values: checked against their type, encoded to their 32-byte word, rendered for the display.
//!
//! As `eth_signTypedData_v4` takes them, strictly: integers as JSON numbers
//! or strings (canonical decimal with an optional `-`, or `0x` and 1 to 64
//! hex digits), range-checked for their width; `bool` as `true`/`false`;
//! `address` as `0x` and 40 hex digits (any case, as v4);
//! `bytesN` as `0x` and exactly `2N` hex digits; `bytes` as `0x` and an even
//! number of hex digits; `string` as a JSON string.

use core::fmt::{self, Write};

use evm_core::keccak::Keccak256;

use super::json::{Document, Kind, Node};
use super::types::Base;
use crate::address::checksummed;
use crate::error::{Error, Result, TypedDataError};
use crate::{B256, U256};

fn td(error: TypedDataError, n: &Node) -> Error {
    Error::TypedData { error, at: n.at() }
}

fn hex_digit(c: u8) -> Option<u8> {
    char::from(c)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

/// The digits after `0x` of a plain string (`None`: not a `0x` string).
fn hex_body<'a>(doc: &Document<'a>, n: &Node) -> Result<&'a str> {
    let s = doc.plain_str(n).ok_or_else(|| {
        td(
            TypedDataError::Expected {
                expected: "a 0x string",
            },
            n,
        )
    })?;
    let body = s
        .strip_prefix("0x")
        .ok_or_else(|| td(TypedDataError::ValueSyntax, n))?;
    if !body.bytes().all(|c| c.is_ascii_hexdigit()) {
        return Err(td(TypedDataError::ValueSyntax, n));
    }
    Ok(body)
}

/// The bytes of an even-length hex body, in pieces of up to 64.
fn hex_bytes(body: &str, mut out: impl FnMut(&[u8])) {
    let mut buf = [0u8; 64];
    for chunk in body.as_bytes().chunks(128) {
        let mut n = 0;
        for (slot, pair) in buf.iter_mut().zip(chunk.chunks_exact(2)) {
            let hi = pair.first().copied().and_then(hex_digit).unwrap_or(0);
            let lo = pair.get(1).copied().and_then(hex_digit).unwrap_or(0);
            *slot = (hi << 4) | lo;
            n += 1;
        }
        out(buf.get(..n).unwrap_or(&[]));
    }
}

/// An integer value: sign and magnitude (`-0` is not one).
fn integer(doc: &Document<'_>, n: &Node) -> Result<(bool, U256)> {
    let syntax = || td(TypedDataError::ValueSyntax, n);
    let text = match n.kind {
        Kind::Number => doc.raw(n),
        Kind::String { escaped: false } => doc.raw(n),
        _ => {
            return Err(td(
                TypedDataError::Expected {
                    expected: "an integer",
                },
                n,
            ))
        }
    };
    if let Some(hex) = text.strip_prefix("0x") {
        if hex.is_empty() || hex.len() > 64 {
            return Err(if hex.is_empty() {
                syntax()
            } else {
                td(TypedDataError::OutOfRange, n)
            });
        }
        let mut v = U256::ZERO;
        for c in hex.bytes() {
            let d = hex_digit(c).ok_or_else(syntax)?;
            v = (v << 4) | U256::from(d);
        }
        return Ok((false, v));
    }
    let (negative, digits) = match text.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, text),
    };
    let malformed = digits.is_empty()
        || !digits.bytes().all(|c| c.is_ascii_digit())
        || (digits.len() > 1 && digits.starts_with('0'))
        || (negative && digits == "0");
    if malformed {
        return Err(syntax());
    }
    let mut v = U256::ZERO;
    for c in digits.bytes() {
        v = v
            .checked_mul(U256::from(10u8))
            .and_then(|v| v.checked_add(U256::from(c - b'0')))
            .ok_or_else(|| td(TypedDataError::OutOfRange, n))?;
    }
    Ok((negative, v))
}

/// The integer checked against `uint<bits>` / `int<bits>`: its two's-complement word.
fn integer_word(doc: &Document<'_>, n: &Node, signed: bool, bits: u16) -> Result<B256> {
    let (negative, v) = integer(doc, n)?;
    let bits = usize::from(bits);
    let in_range = if !signed {
        !negative && v.bit_len() <= bits
    } else if negative {
        // -2^(bits-1) ..= -1
        v <= U256::from(1u8) << (bits - 1)
    } else {
        v.bit_len() < bits
    };
    if !in_range {
        return Err(td(TypedDataError::OutOfRange, n));
    }
    let word = if negative {
        U256::ZERO.wrapping_sub(v)
    } else {
        v
    };
    Ok(word.to_be_bytes::<32>())
}

/// Keccak-256 of a string value's UTF-8 bytes.
fn string_hash(doc: &Document<'_>, n: &Node) -> B256 {
    match n.kind {
        Kind::String { escaped: true } => {
            let mut h = Keccak256::new();
            let mut utf8 = [0u8; 4];
            for c in doc.chars(n) {
                h.update(c.encode_utf8(&mut utf8).as_bytes());
            }
            h.finalize()
        }
        _ => evm_core::keccak256(doc.raw(n).as_bytes()),
    }
}

/// The 32-byte `encodeData` word of the value `n` of atomic or dynamic type `base`.
pub(crate) fn encode(doc: &Document<'_>, n: &Node, base: Base) -> Result<B256> {
    let mut word = [0u8; 32];
    match base {
        Base::Bool => match n.kind {
            Kind::Bool(b) => word[31] = u8::from(b),
            _ => {
                return Err(td(
                    TypedDataError::Expected {
                        expected: "true or false",
                    },
                    n,
                ))
            }
        },
        Base::Address => {
            // Any case: v4 does not check EIP-55 either; the display shows the checksummed form.
            let body = hex_body(doc, n)?;
            if body.len() != 40 {
                return Err(td(TypedDataError::ValueSyntax, n));
            }
            hex_bytes(body, |b| {
                if let Some(dst) = word.get_mut(12..12 + b.len()) {
                    dst.copy_from_slice(b);
                }
            });
        }
        Base::FixedBytes(len) => {
            let body = hex_body(doc, n)?;
            let len = usize::from(len);
            if body.len() % 2 != 0 {
                return Err(td(TypedDataError::ValueSyntax, n));
            }
            if body.len() != 2 * len {
                return Err(td(
                    TypedDataError::BytesLength {
                        got: body.len() / 2,
                        expected: len,
                    },
                    n,
                ));
            }
            hex_bytes(body, |b| {
                if let Some(dst) = word.get_mut(..b.len()) {
                    dst.copy_from_slice(b);
                }
            });
        }
        Base::Bytes => {
            let body = hex_body(doc, n)?;
            if body.len() % 2 != 0 {
                return Err(td(TypedDataError::ValueSyntax, n));
            }
            let mut h = Keccak256::new();
            hex_bytes(body, |b| h.update(b));
            word = h.finalize();
        }
        Base::String => match n.kind {
            Kind::String { .. } => word = string_hash(doc, n),
            _ => {
                return Err(td(
                    TypedDataError::Expected {
                        expected: "a string",
                    },
                    n,
                ))
            }
        },
        Base::Uint(bits) => word = integer_word(doc, n, false, bits)?,
        Base::Int(bits) => word = integer_word(doc, n, true, bits)?,
        Base::Struct(_) => {
            return Err(td(
                TypedDataError::Expected {
                    expected: "an object",
                },
                n,
            ))
        }
    }
    Ok(word)
}

/// Writes the checked value `n` of type `base` for a person to read:
/// addresses checksummed, integers in decimal, bytes in lower-case hex,
/// strings quoted with everything but printable ASCII escaped.
pub(crate) fn render(doc: &Document<'_>, n: &Node, base: Base, w: &mut impl Write) -> fmt::Result {
    match base {
        Base::Bool => w.write_str(if n.kind == Kind::Bool(true) {
            "true"
        } else {
            "false"
        }),
        Base::Address | Base::FixedBytes(_) | Base::Uint(_) | Base::Int(_) => {
            let word = encode(doc, n, base).map_err(|_| fmt::Error)?;
            match base {
                Base::Address => write!(w, "{}", checksummed(&address_of_word(&word))),
                Base::FixedBytes(len) => write_hex(w, word.get(..usize::from(len)).unwrap_or(&[])),
                _ => {
                    let (negative, v) = integer(doc, n).map_err(|_| fmt::Error)?;
                    write!(w, "{}{v}", if negative { "-" } else { "" })
                }
            }
        }
        Base::Bytes => {
            let body = hex_body(doc, n).map_err(|_| fmt::Error)?;
            w.write_str("0x")?;
            for c in body.chars() {
                w.write_char(c.to_ascii_lowercase())?;
            }
            Ok(())
        }
        Base::String => {
            w.write_char('"')?;
            for c in doc.chars(n) {
                match c {
                    '"' => w.write_str("\\\"")?,
                    '\\' => w.write_str("\\\\")?,
                    '\n' => w.write_str("\\n")?,
                    ' '..='~' => w.write_char(c)?,
                    _ => write!(w, "\\u{{{:x}}}", u32::from(c))?,
                }
            }
            w.write_char('"')
        }
        Base::Struct(_) => Err(fmt::Error),
    }
}

fn address_of_word(word: &B256) -> crate::Address {
    let mut a = [0u8; 20];
    a.copy_from_slice(word.get(12..).unwrap_or(&[0; 20]));
    a
}

/// Writes `0x` and `bytes` in lower-case hex.
pub(crate) fn write_hex(w: &mut impl Write, bytes: &[u8]) -> fmt::Result {
    w.write_str("0x")?;
    for b in bytes {
        write!(w, "{b:02x}")?;
    }
    Ok(())
}
