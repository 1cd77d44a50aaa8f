//! A strict, bounded JSON reader: the document checked once into a flat table of value nodes over the text.
//!
//! RFC 8259 with the typed-data restrictions: UTF-8 text, no duplicate keys,
//! keys without escapes and at most [`MAX_NAME_BYTES`], integers only
//! (no fraction, exponent, leading zero or `-0`, magnitude at most 2^53 − 1),
//! [`MAX_JSON_DEPTH`] levels, [`MAX_JSON_VALUES`] values, nothing after the
//! top-level value but white space. Parsing is a loop over an explicit
//! stack of open containers (no recursion). Nodes are stored in document
//! order; a container's children follow it, each subtree ending where
//! [`Node::end_index`] says.

use crate::error::{Error, JsonError, Result};
use crate::limits::{MAX_JSON_DEPTH, MAX_JSON_VALUES, MAX_NAME_BYTES, MAX_TYPED_DATA_BYTES};

/// The largest integer a JSON number may hold: 2^53 − 1, the last one a
/// JavaScript sender keeps exactly.
pub(crate) const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// What a node holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Kind {
    /// `null`.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer (its text: `-?digits`).
    Number,
    /// A string (its text between the quotes; `escaped` if it has a backslash).
    String {
        /// Whether the text holds escapes.
        escaped: bool,
    },
    /// An array.
    Array,
    /// An object.
    Object,
}

/// One value of the document.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Node {
    /// What it is.
    pub(crate) kind: Kind,
    /// Offset of its first byte (a string's first byte after the quote).
    start: u16,
    /// Offset after its last byte (a string's closing quote).
    end: u16,
    /// Offset of its key's first byte after the quote (members of objects).
    key: u16,
    /// Length of its key.
    key_len: u8,
    /// Index of the first node after this subtree.
    end_index: u16,
}

impl Node {
    /// Byte offset of the value (for errors).
    pub(crate) fn at(&self) -> usize {
        usize::from(self.start)
    }

    /// Index of the first node after this subtree.
    pub(crate) fn end_index(&self) -> u16 {
        self.end_index
    }
}

/// A checked document: the text and its nodes (the first is the top-level value).
pub(crate) struct Document<'a> {
    text: &'a str,
    nodes: [Node; MAX_JSON_VALUES],
    len: u16,
}

fn err(error: JsonError, at: usize) -> Error {
    Error::Json { error, at }
}

/// Offsets fit `u16` (the document is at most [`MAX_TYPED_DATA_BYTES`]).
fn off(pos: usize) -> u16 {
    u16::try_from(pos).unwrap_or(u16::MAX)
}

/// An open container while parsing.
#[derive(Clone, Copy, Default)]
struct Open {
    node: u16,
    object: bool,
}

impl<'a> Document<'a> {
    /// Checks `bytes` and indexes its values.
    pub(crate) fn parse(bytes: &'a [u8]) -> Result<Self> {
        if bytes.is_empty() {
            return Err(Error::Empty);
        }
        if bytes.len() > MAX_TYPED_DATA_BYTES {
            return Err(Error::TooLong {
                got: bytes.len(),
                limit: MAX_TYPED_DATA_BYTES,
            });
        }
        let text = core::str::from_utf8(bytes)
            .map_err(|e| err(JsonError::InvalidUtf8, e.valid_up_to()))?;
        let mut doc = Self {
            text,
            nodes: [Node::default(); MAX_JSON_VALUES],
            len: 0,
        };
        doc.index()?;
        Ok(doc)
    }

    fn byte(&self, pos: usize) -> Option<u8> {
        self.text.as_bytes().get(pos).copied()
    }

    fn skip_ws(&self, mut pos: usize) -> usize {
        while matches!(self.byte(pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            pos += 1;
        }
        pos
    }

    fn expect_byte(&self, pos: usize) -> Result<u8> {
        self.byte(pos)
            .ok_or_else(|| err(JsonError::UnexpectedEnd, pos))
    }

    fn push(&mut self, node: Node, at: usize) -> Result<u16> {
        let i = self.len;
        let slot = self
            .nodes
            .get_mut(usize::from(i))
            .ok_or_else(|| err(JsonError::TooManyValues, at))?;
        *slot = node;
        self.len = i + 1;
        Ok(i)
    }

    fn node_mut(&mut self, i: u16) -> Option<&mut Node> {
        self.nodes.get_mut(usize::from(i))
    }

    /// The parse loop: a value, then separators and closers, until the top-level value ends.
    fn index(&mut self) -> Result<()> {
        let mut stack = [Open::default(); MAX_JSON_DEPTH];
        let mut depth = 0usize;
        let mut pos = self.skip_ws(0);
        // The key the next value is stored under (inside an object).
        let mut key: Option<(u16, u8)> = None;
        loop {
            // A value at `pos`.
            let (k, kl) = key.take().unwrap_or((0, 0));
            let c = self.expect_byte(pos)?;
            match c {
                b'{' | b'[' => {
                    if depth >= MAX_JSON_DEPTH {
                        return Err(err(JsonError::TooDeep, pos));
                    }
                    let object = c == b'{';
                    let node = Node {
                        kind: if object { Kind::Object } else { Kind::Array },
                        start: off(pos),
                        key: k,
                        key_len: kl,
                        ..Node::default()
                    };
                    let i = self.push(node, pos)?;
                    if let Some(slot) = stack.get_mut(depth) {
                        *slot = Open { node: i, object };
                    }
                    depth += 1;
                    pos = self.skip_ws(pos + 1);
                    let close = if object { b'}' } else { b']' };
                    if self.byte(pos) == Some(close) {
                        pos = self.close(i, pos);
                        depth -= 1;
                    } else if object {
                        let (kp, next) = self.key(i, pos)?;
                        key = Some(kp);
                        pos = next;
                        continue;
                    } else {
                        continue;
                    }
                }
                b'"' => {
                    let (end, escaped) = self.string(pos + 1)?;
                    let node = Node {
                        kind: Kind::String { escaped },
                        start: off(pos + 1),
                        end: off(end),
                        key: k,
                        key_len: kl,
                        end_index: self.len + 1,
                    };
                    self.push(node, pos)?;
                    pos = end + 1;
                }
                b'-' | b'0'..=b'9' => {
                    let end = self.number(pos)?;
                    let node = Node {
                        kind: Kind::Number,
                        start: off(pos),
                        end: off(end),
                        key: k,
                        key_len: kl,
                        end_index: self.len + 1,
                    };
                    self.push(node, pos)?;
                    pos = end;
                }
                _ => {
                    let (kind, word): (Kind, &str) = match c {
                        b't' => (Kind::Bool(true), "true"),
                        b'f' => (Kind::Bool(false), "false"),
                        b'n' => (Kind::Null, "null"),
                        _ => return Err(err(JsonError::UnexpectedByte, pos)),
                    };
                    let end = pos + word.len();
                    let rest = self.text.as_bytes().get(pos..).unwrap_or(&[]);
                    if !rest.starts_with(word.as_bytes()) {
                        if word.as_bytes().starts_with(rest) {
                            return Err(err(JsonError::UnexpectedEnd, self.text.len()));
                        }
                        return Err(err(JsonError::UnexpectedByte, pos));
                    }
                    let node = Node {
                        kind,
                        start: off(pos),
                        end: off(end),
                        key: k,
                        key_len: kl,
                        end_index: self.len + 1,
                    };
                    self.push(node, pos)?;
                    pos = end;
                }
            }
            // After a value: separators and closers.
            loop {
                pos = self.skip_ws(pos);
                let Some(open) = depth.checked_sub(1).and_then(|d| stack.get(d)).copied() else {
                    if pos != self.text.len() {
                        return Err(err(JsonError::TrailingBytes, pos));
                    }
                    return Ok(());
                };
                let c = self.expect_byte(pos)?;
                let close = if open.object { b'}' } else { b']' };
                if c == b',' {
                    pos = self.skip_ws(pos + 1);
                    if open.object {
                        let (kp, next) = self.key(open.node, pos)?;
                        key = Some(kp);
                        pos = next;
                    }
                    break;
                } else if c == close {
                    pos = self.close(open.node, pos);
                    depth -= 1;
                } else {
                    return Err(err(JsonError::UnexpectedByte, pos));
                }
            }
        }
    }

    /// Ends container `i` at the closer at `pos`; returns the offset after it.
    fn close(&mut self, i: u16, pos: usize) -> usize {
        let len = self.len;
        if let Some(n) = self.node_mut(i) {
            n.end = off(pos + 1);
            n.end_index = len;
        }
        pos + 1
    }

    /// Reads a key of object `obj` at `pos` (and the `:` after it): its span
    /// and the offset of the value.
    fn key(&self, obj: u16, pos: usize) -> Result<((u16, u8), usize)> {
        if self.expect_byte(pos)? != b'"' {
            return Err(err(JsonError::UnexpectedByte, pos));
        }
        let (end, escaped) = self.string(pos + 1)?;
        if escaped {
            return Err(err(JsonError::EscapedKey, pos));
        }
        let len = end - (pos + 1);
        if len > MAX_NAME_BYTES {
            return Err(err(JsonError::KeyTooLong, pos));
        }
        let name = self.text.get(pos + 1..end).unwrap_or("");
        // The object's members so far (its subtree is still open: up to `len`).
        let mut j = obj + 1;
        while j < self.len {
            let member = self.node(j);
            if self.key_of(&member) == name {
                return Err(err(JsonError::DuplicateKey, pos));
            }
            j = member.end_index.max(j + 1);
        }
        let colon = self.skip_ws(end + 1);
        if self.expect_byte(colon)? != b':' {
            return Err(err(JsonError::UnexpectedByte, colon));
        }
        let len = u8::try_from(len).unwrap_or(u8::MAX);
        Ok(((off(pos + 1), len), self.skip_ws(colon + 1)))
    }

    /// Checks a string's body from `pos` (after the opening quote): returns
    /// the offset of the closing quote and whether it has escapes.
    fn string(&self, mut pos: usize) -> Result<(usize, bool)> {
        let mut escaped = false;
        loop {
            match self.expect_byte(pos)? {
                b'"' => return Ok((pos, escaped)),
                b'\\' => {
                    escaped = true;
                    pos = self.escape(pos)?;
                }
                c if c < 0x20 => return Err(err(JsonError::ControlCharacter, pos)),
                _ => pos += 1,
            }
        }
    }

    /// Checks the escape at `pos` (the backslash); returns the offset after it.
    fn escape(&self, pos: usize) -> Result<usize> {
        match self.expect_byte(pos + 1)? {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Ok(pos + 2),
            b'u' => {
                let unit = self.hex4(pos + 2)?;
                match unit {
                    0xD800..=0xDBFF => {
                        let low = (self.byte(pos + 6) == Some(b'\\')
                            && self.byte(pos + 7) == Some(b'u'))
                        .then(|| self.hex4(pos + 8))
                        .transpose()?;
                        match low {
                            Some(0xDC00..=0xDFFF) => Ok(pos + 12),
                            _ => Err(err(JsonError::LoneSurrogate, pos)),
                        }
                    }
                    0xDC00..=0xDFFF => Err(err(JsonError::LoneSurrogate, pos)),
                    _ => Ok(pos + 6),
                }
            }
            _ => Err(err(JsonError::InvalidEscape, pos)),
        }
    }

    fn hex4(&self, pos: usize) -> Result<u32> {
        let mut v = 0u32;
        for i in pos..pos + 4 {
            let c = self.expect_byte(i)?;
            let d = char::from(c)
                .to_digit(16)
                .ok_or_else(|| err(JsonError::InvalidEscape, i))?;
            v = v * 16 + d;
        }
        Ok(v)
    }

    /// Checks an integer at `pos`; returns the offset after it.
    fn number(&self, pos: usize) -> Result<usize> {
        let negative = self.byte(pos) == Some(b'-');
        let digits = pos + usize::from(negative);
        let mut end = digits;
        let mut value: u64 = 0;
        while let Some(c @ b'0'..=b'9') = self.byte(end) {
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(c - b'0')))
                .filter(|v| *v <= MAX_SAFE_INTEGER)
                .ok_or_else(|| err(JsonError::NumberTooLarge, pos))?;
            end += 1;
        }
        match end - digits {
            0 if self.byte(end).is_none() => return Err(err(JsonError::UnexpectedEnd, end)),
            0 => return Err(err(JsonError::UnexpectedByte, end)),
            1 if value == 0 && negative => return Err(err(JsonError::LeadingZero, pos)),
            n if n > 1 && self.byte(digits) == Some(b'0') => {
                return Err(err(JsonError::LeadingZero, pos))
            }
            _ => {}
        }
        if matches!(self.byte(end), Some(b'.' | b'e' | b'E')) {
            return Err(err(JsonError::NotAnInteger, end));
        }
        Ok(end)
    }

    /// Node `i` (a default `null` past the end; indices come from this document).
    pub(crate) fn node(&self, i: u16) -> Node {
        self.nodes.get(usize::from(i)).copied().unwrap_or_default()
    }

    /// The whole text.
    pub(crate) fn text(&self) -> &'a str {
        self.text
    }

    /// Offset of the key `n` is stored under.
    pub(crate) fn key_offset(&self, n: &Node) -> usize {
        usize::from(n.key)
    }

    /// The top-level value.
    pub(crate) fn root(&self) -> u16 {
        0
    }

    /// The key `n` is stored under (empty outside objects).
    pub(crate) fn key_of(&self, n: &Node) -> &'a str {
        let start = usize::from(n.key);
        self.text
            .get(start..start + usize::from(n.key_len))
            .unwrap_or("")
    }

    /// The text of a value (a string's without the quotes, escapes as written).
    pub(crate) fn raw(&self, n: &Node) -> &'a str {
        self.text
            .get(usize::from(n.start)..usize::from(n.end))
            .unwrap_or("")
    }

    /// A string value without escapes (`None` for other values and escaped strings).
    pub(crate) fn plain_str(&self, n: &Node) -> Option<&'a str> {
        match n.kind {
            Kind::String { escaped: false } => Some(self.raw(n)),
            _ => None,
        }
    }

    /// The children of container `i` (members of an object, elements of an array).
    pub(crate) fn children(&self, i: u16) -> Children<'_, 'a> {
        let n = self.node(i);
        let container = matches!(n.kind, Kind::Array | Kind::Object);
        Children {
            doc: self,
            next: i + 1,
            end: if container { n.end_index } else { i + 1 },
        }
    }

    /// The member of object `i` under `key`.
    pub(crate) fn member(&self, i: u16, key: &str) -> Option<u16> {
        self.children(i)
            .find(|&j| self.key_of(&self.node(j)) == key)
    }

    /// The decoded characters of string node `n` (its escapes were checked at parse).
    pub(crate) fn chars(&self, n: &Node) -> impl Iterator<Item = char> + 'a {
        let mut rest = self.raw(n).chars();
        core::iter::from_fn(move || {
            let c = rest.next()?;
            if c != '\\' {
                return Some(c);
            }
            Some(match rest.next()? {
                'b' => '\u{8}',
                'f' => '\u{c}',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'u' => {
                    let hi = hex4(&mut rest)?;
                    if (0xD800..0xDC00).contains(&hi) {
                        rest.next()?; // '\\'
                        rest.next()?; // 'u'
                        let lo = hex4(&mut rest)?;
                        char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00)))?
                    } else {
                        char::from_u32(hi)?
                    }
                }
                other => other, // '"', '\\', '/'
            })
        })
    }
}

fn hex4(chars: &mut core::str::Chars<'_>) -> Option<u32> {
    let mut v = 0;
    for _ in 0..4 {
        v = v * 16 + chars.next()?.to_digit(16)?;
    }
    Some(v)
}

/// The node indices of a container's children.
pub(crate) struct Children<'d, 'a> {
    doc: &'d Document<'a>,
    next: u16,
    end: u16,
}

impl Iterator for Children<'_, '_> {
    type Item = u16;

    fn next(&mut self) -> Option<u16> {
        if self.next >= self.end {
            return None;
        }
        let i = self.next;
        self.next = self.doc.node(i).end_index.max(i + 1);
        Some(i)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn json_err(text: &str) -> JsonError {
        match Document::parse(text.as_bytes()) {
            Err(Error::Json { error, .. }) => error,
            Err(e) => panic!("{text}: not a JSON error: {e:?}"),
            Ok(_) => panic!("{text}: accepted"),
        }
    }

    #[test]
    fn indexes_nested_values() {
        let doc = Document::parse(
            br#" {"a": [1, -2, {"b": null}], "c": "x\u00e9\ud83d\ude01", "d": true} "#,
        )
        .unwrap();
        let root = doc.root();
        assert_eq!(doc.node(root).kind, Kind::Object);
        assert_eq!(doc.children(root).count(), 3);
        let a = doc.member(root, "a").unwrap();
        let elems: Vec<_> = doc.children(a).collect();
        assert_eq!(elems.len(), 3);
        assert_eq!(doc.raw(&doc.node(elems[1])), "-2");
        let b = doc.member(elems[2], "b").unwrap();
        assert_eq!(doc.node(b).kind, Kind::Null);
        let c = doc.node(doc.member(root, "c").unwrap());
        assert_eq!(doc.chars(&c).collect::<String>(), "xé😁");
        assert_eq!(doc.plain_str(&c), None);
        assert_eq!(
            doc.node(doc.member(root, "d").unwrap()).kind,
            Kind::Bool(true)
        );
        assert_eq!(doc.member(root, "e"), None);
        let s = Document::parse(br#""a\"\\\/\b\f\n\r\t""#).unwrap();
        assert_eq!(doc_chars(&s), "a\"\\/\u{8}\u{c}\n\r\t");
    }

    fn doc_chars(d: &Document<'_>) -> String {
        d.chars(&d.node(0)).collect()
    }

    #[test]
    fn rejects_what_is_not_strict_json() {
        use JsonError::*;
        for (text, e) in [
            ("{} x", TrailingBytes),
            ("{}{}", TrailingBytes),
            ("{", UnexpectedEnd),
            ("[1,]", UnexpectedByte),
            ("{\"a\":1,}", UnexpectedByte),
            ("{\"a\" 1}", UnexpectedByte),
            ("{'a':1}", UnexpectedByte),
            ("{\"a\":1,\"a\":2}", DuplicateKey),
            ("{\"a\\u0041\":1}", EscapedKey),
            ("\"\\x\"", InvalidEscape),
            ("\"\\u12g4\"", InvalidEscape),
            ("\"\\ud800\"", LoneSurrogate),
            ("\"\\ud800\\u0041\"", LoneSurrogate),
            ("\"\\udc00\"", LoneSurrogate),
            ("\"a\nb\"", ControlCharacter),
            ("01", LeadingZero),
            ("-0", LeadingZero),
            ("1.5", NotAnInteger),
            ("1e3", NotAnInteger),
            ("9007199254740992", NumberTooLarge),
            ("-", UnexpectedEnd),
            ("+1", UnexpectedByte),
            ("tru", UnexpectedEnd),
            ("nul!", UnexpectedByte),
            ("True", UnexpectedByte),
            ("\u{feff}{}", UnexpectedByte),
        ] {
            assert_eq!(json_err(text), e, "{text}");
        }
        assert_eq!(
            Document::parse(b"\"\xff\"").err(),
            Some(Error::Json {
                error: InvalidUtf8,
                at: 1
            })
        );
        assert_eq!(Document::parse(b"").err(), Some(Error::Empty));
        let long_key = format!("{{\"{}\":1}}", "k".repeat(MAX_NAME_BYTES + 1));
        assert_eq!(json_err(&long_key), KeyTooLong);
        let deep = "[".repeat(MAX_JSON_DEPTH + 1);
        assert_eq!(json_err(&deep), TooDeep);
        let ok_deep = format!(
            "{}{}",
            "[".repeat(MAX_JSON_DEPTH),
            "]".repeat(MAX_JSON_DEPTH)
        );
        assert!(Document::parse(ok_deep.as_bytes()).is_ok());
        let many = format!("[{}]", vec!["1"; MAX_JSON_VALUES].join(","));
        assert_eq!(json_err(&many), TooManyValues);
        let fits = format!("[{}]", vec!["1"; MAX_JSON_VALUES - 1].join(","));
        assert!(Document::parse(fits.as_bytes()).is_ok());
        assert!(Document::parse(b"9007199254740991").is_ok());
        assert!(Document::parse(b"-9007199254740991").is_ok());
        let big = vec![b' '; MAX_TYPED_DATA_BYTES + 1];
        assert!(matches!(Document::parse(&big), Err(Error::TooLong { .. })));
    }
}
