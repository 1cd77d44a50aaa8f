//! The struct types of a typed-data document: checked names and field types, `encodeType` and `typeHash`.

use evm_core::keccak::Keccak256;

use super::json::{Document, Kind};
use crate::error::{Error, Result, TypedDataError};
use crate::limits::{MAX_ARRAY_LEN, MAX_FIELDS, MAX_NAME_BYTES, MAX_TYPES, MAX_TYPE_STRING_BYTES};
use crate::B256;

/// The element type a field's type string names before any `[...]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Base {
    /// `address`.
    #[default]
    Address,
    /// `bool`.
    Bool,
    /// `string`.
    String,
    /// `bytes`.
    Bytes,
    /// `bytes1` … `bytes32`.
    FixedBytes(u8),
    /// `uint8` … `uint256` (the width in bits).
    Uint(u16),
    /// `int8` … `int256` (the width in bits).
    Int(u16),
    /// A struct type: its index in [`Types`].
    Struct(u8),
}

/// The atomic or dynamic type named `name`, if it is one.
pub(crate) fn atomic(name: &str) -> Option<Base> {
    let bits = |digits: &str, max: u16, step: u16| -> Option<u16> {
        // Canonical decimal: no leading zero, no sign.
        if digits.starts_with('0')
            || digits.is_empty()
            || !digits.bytes().all(|c| c.is_ascii_digit())
        {
            return None;
        }
        let n: u16 = digits.parse().ok()?;
        (n >= 1 && n <= max && n.is_multiple_of(step)).then_some(n)
    };
    Some(match name {
        "address" => Base::Address,
        "bool" => Base::Bool,
        "string" => Base::String,
        "bytes" => Base::Bytes,
        _ => {
            if let Some(d) = name.strip_prefix("bytes") {
                Base::FixedBytes(u8::try_from(bits(d, 32, 1)?).ok()?)
            } else if let Some(d) = name.strip_prefix("uint") {
                Base::Uint(bits(d, 256, 8)?)
            } else if let Some(d) = name.strip_prefix("int") {
                Base::Int(bits(d, 256, 8)?)
            } else {
                return None;
            }
        }
    })
}

/// Whether `s` is an identifier `[A-Za-z_$][A-Za-z0-9_$]*` of at most [`MAX_NAME_BYTES`].
fn is_identifier(s: &str) -> bool {
    let mut bytes = s.bytes();
    let first_ok = matches!(bytes.next(), Some(b'A'..=b'Z' | b'a'..=b'z' | b'_' | b'$'));
    first_ok
        && s.len() <= MAX_NAME_BYTES
        && bytes.all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'$')
}

/// The standard `EIP712Domain` fields, in the order EIP-712 lists them, with their types.
pub(crate) const DOMAIN_FIELDS: [(&str, &str, Base); 5] = [
    ("name", "string", Base::String),
    ("version", "string", Base::String),
    ("chainId", "uint256", Base::Uint(256)),
    ("verifyingContract", "address", Base::Address),
    ("salt", "bytes32", Base::FixedBytes(32)),
];

/// The name of the domain's struct type.
pub(crate) const DOMAIN: &str = "EIP712Domain";

/// A name or type string: a span of the document, or a standard domain field's.
#[derive(Debug, Clone, Copy, Default)]
enum Str {
    /// `len` bytes of the document from `start`.
    Text { start: u16, len: u8 },
    /// `DOMAIN_FIELDS[i]`.
    #[default]
    Domain,
}

/// One field of a struct type.
#[derive(Debug, Clone, Copy, Default)]
struct Field {
    name: Str,
    ty: Str,
    /// For [`Str::Domain`] fields: the index in [`DOMAIN_FIELDS`].
    std: u8,
    base: Base,
}

/// One struct type.
#[derive(Debug, Clone, Copy, Default)]
struct Def {
    name: Str,
    first: u8,
    count: u8,
    hash: B256,
}

/// The checked struct types; names and type strings borrow the document.
pub(crate) struct Types<'a> {
    text: &'a str,
    defs: [Def; MAX_TYPES],
    n_defs: u8,
    fields: [Field; MAX_FIELDS],
    n_fields: u8,
}

/// A field as the walkers see it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FieldRef<'a> {
    /// Its name.
    pub(crate) name: &'a str,
    /// Its type string (`Person[2][]`).
    pub(crate) ty: &'a str,
    /// The element type before any `[...]`.
    pub(crate) base: Base,
}

fn td(error: TypedDataError, at: usize) -> Error {
    Error::TypedData { error, at }
}

fn span(start: usize, len: usize) -> Str {
    Str::Text {
        start: u16::try_from(start).unwrap_or(u16::MAX),
        len: u8::try_from(len).unwrap_or(u8::MAX),
    }
}

/// Splits `ty` into its element type name and its `[...]` groups, checking
/// each group is `[]` or `[N]` with `N` in `1..=MAX_ARRAY_LEN`, canonical decimal.
pub(crate) fn split_dims(ty: &str) -> Option<(&str, &str)> {
    let cut = ty.find('[').unwrap_or(ty.len());
    let (name, mut dims) = ty.split_at(cut);
    let all = dims;
    while !dims.is_empty() {
        let close = dims.find(']')?;
        let n = dims.get(1..close)?;
        if !n.is_empty() {
            if n.starts_with('0') || !n.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let v: usize = n.parse().ok()?;
            if v > MAX_ARRAY_LEN {
                return None;
            }
        }
        dims = dims.get(close + 1..)?;
        if !dims.is_empty() && !dims.starts_with('[') {
            return None;
        }
    }
    Some((name, all))
}

/// The outermost array dimension of `ty` (its last group): the element type
/// string and the fixed length (`None` for `[]`); `None` if `ty` is not an array.
pub(crate) fn outer_dim(ty: &str) -> Option<(&str, Option<usize>)> {
    let body = ty.strip_suffix(']')?;
    let open = body.rfind('[')?;
    let n = body.get(open + 1..)?;
    let len = if n.is_empty() {
        None
    } else {
        Some(n.parse().ok()?)
    };
    Some((body.get(..open)?, len))
}

impl<'a> Types<'a> {
    /// Reads the `types` object (node `types`) of `doc`.
    pub(crate) fn parse(doc: &Document<'a>, types: u16) -> Result<Self> {
        let node = doc.node(types);
        if node.kind != Kind::Object {
            return Err(td(
                TypedDataError::Expected {
                    expected: "an object",
                },
                node.at(),
            ));
        }
        let mut out = Self {
            text: doc.text(),
            defs: [Def::default(); MAX_TYPES],
            n_defs: 0,
            fields: [Field::default(); MAX_FIELDS],
            n_fields: 0,
        };
        // Names and fields first; field types resolve once every name is known.
        for t in doc.children(types) {
            let def_node = doc.node(t);
            let name = doc.key_of(&def_node);
            let at = def_node.at();
            if !is_identifier(name) {
                return Err(td(TypedDataError::NameSyntax, at));
            }
            if atomic(name).is_some() {
                return Err(td(TypedDataError::ReservedName, at));
            }
            if def_node.kind != Kind::Array {
                return Err(td(
                    TypedDataError::Expected {
                        expected: "an array of fields",
                    },
                    at,
                ));
            }
            let first = out.n_fields;
            for f in doc.children(t) {
                out.push_field(doc, f)?;
            }
            let def = Def {
                name: span(doc.key_offset(&def_node), name.len()),
                first,
                count: out.n_fields - first,
                hash: [0; 32],
            };
            let slot = out
                .defs
                .get_mut(usize::from(out.n_defs))
                .ok_or_else(|| td(TypedDataError::TooManyTypes, at))?;
            *slot = def;
            out.n_defs += 1;
        }
        out.resolve()?;
        Ok(out)
    }

    /// Reads one `{"name": .., "type": ..}` field object.
    fn push_field(&mut self, doc: &Document<'a>, f: u16) -> Result<()> {
        let node = doc.node(f);
        let at = node.at();
        if node.kind != Kind::Object {
            return Err(td(
                TypedDataError::Expected {
                    expected: "a field object",
                },
                at,
            ));
        }
        let mut name = None;
        let mut ty = None;
        for m in doc.children(f) {
            let member = doc.node(m);
            let slot = match doc.key_of(&member) {
                "name" => &mut name,
                "type" => &mut ty,
                _ => return Err(td(TypedDataError::UnknownMember, member.at())),
            };
            let s = doc.plain_str(&member).ok_or_else(|| {
                td(
                    TypedDataError::Expected {
                        expected: "a plain string",
                    },
                    member.at(),
                )
            })?;
            *slot = Some((s, member.at()));
        }
        let (name, name_at) =
            name.ok_or_else(|| td(TypedDataError::MissingMember { name: "name" }, at))?;
        let (ty, ty_at) =
            ty.ok_or_else(|| td(TypedDataError::MissingMember { name: "type" }, at))?;
        if !is_identifier(name) {
            return Err(td(TypedDataError::NameSyntax, name_at));
        }
        if ty.len() > MAX_TYPE_STRING_BYTES {
            return Err(td(TypedDataError::TypeSyntax, ty_at));
        }
        // Field names are unique within their type (the fields since the type's first).
        let first = self.current_first();
        for i in first..self.n_fields {
            if self.field(i).name == name {
                return Err(td(TypedDataError::DuplicateField, name_at));
            }
        }
        let field = Field {
            name: span(name_at, name.len()),
            ty: span(ty_at, ty.len()),
            std: 0,
            base: Base::Address, // resolved later
        };
        let slot = self
            .fields
            .get_mut(usize::from(self.n_fields))
            .ok_or_else(|| td(TypedDataError::TooManyFields, at))?;
        *slot = field;
        self.n_fields += 1;
        Ok(())
    }

    /// The first field of the type being read (after the last finished one).
    fn current_first(&self) -> u8 {
        match self
            .n_defs
            .checked_sub(1)
            .and_then(|i| self.defs.get(usize::from(i)))
        {
            Some(d) => d.first + d.count,
            None => 0,
        }
    }

    /// Resolves every field's element type (atomic or a defined struct).
    fn resolve(&mut self) -> Result<()> {
        for i in 0..usize::from(self.n_fields) {
            let Some(f) = self.fields.get(i).copied() else {
                break;
            };
            let (ty, at) = (self.str(f.ty), self.offset(f.ty));
            let (name, _) = split_dims(ty).ok_or_else(|| td(TypedDataError::TypeSyntax, at))?;
            let base = match atomic(name) {
                Some(b) => b,
                None => Base::Struct(
                    self.find(name)
                        .ok_or_else(|| td(TypedDataError::UnknownType, at))?,
                ),
            };
            if let Some(slot) = self.fields.get_mut(i) {
                slot.base = base;
            }
        }
        Ok(())
    }

    /// Adds the `EIP712Domain` of the standard fields in `present` (a bit per
    /// [`DOMAIN_FIELDS`] entry), for a document whose `types` lacks one.
    pub(crate) fn add_domain(&mut self, present: u8, at: usize) -> Result<u8> {
        let first = self.n_fields;
        for (i, &(_, _, base)) in DOMAIN_FIELDS.iter().enumerate() {
            if present & (1 << i) == 0 {
                continue;
            }
            let slot = self
                .fields
                .get_mut(usize::from(self.n_fields))
                .ok_or_else(|| td(TypedDataError::TooManyFields, at))?;
            *slot = Field {
                name: Str::Domain,
                ty: Str::Domain,
                std: u8::try_from(i).unwrap_or(0),
                base,
            };
            self.n_fields += 1;
        }
        let index = self.n_defs;
        let slot = self
            .defs
            .get_mut(usize::from(index))
            .ok_or_else(|| td(TypedDataError::TooManyTypes, at))?;
        *slot = Def {
            name: Str::Domain,
            first,
            count: self.n_fields - first,
            hash: [0; 32],
        };
        self.n_defs += 1;
        Ok(index)
    }

    fn offset(&self, s: Str) -> usize {
        match s {
            Str::Text { start, .. } => usize::from(start),
            Str::Domain => 0,
        }
    }

    fn str(&self, s: Str) -> &'a str {
        match s {
            Str::Text { start, len } => {
                let start = usize::from(start);
                self.text.get(start..start + usize::from(len)).unwrap_or("")
            }
            Str::Domain => DOMAIN,
        }
    }

    /// The index of the struct type `name`.
    pub(crate) fn find(&self, name: &str) -> Option<u8> {
        (0..self.n_defs).find(|&i| self.name(i) == name)
    }

    /// The name of type `t`.
    pub(crate) fn name(&self, t: u8) -> &'a str {
        self.defs
            .get(usize::from(t))
            .map_or("", |d| self.str(d.name))
    }

    /// Number of fields of type `t`.
    pub(crate) fn field_count(&self, t: u8) -> u8 {
        self.defs.get(usize::from(t)).map_or(0, |d| d.count)
    }

    /// Field `i` of type `t`.
    pub(crate) fn field_of(&self, t: u8, i: u8) -> Option<FieldRef<'a>> {
        let d = self.defs.get(usize::from(t))?;
        (i < d.count).then(|| self.field(d.first + i))
    }

    fn field(&self, i: u8) -> FieldRef<'a> {
        let f = self.fields.get(usize::from(i)).copied().unwrap_or_default();
        let (std_name, std_ty, _) = DOMAIN_FIELDS
            .get(usize::from(f.std))
            .copied()
            .unwrap_or(DOMAIN_FIELDS[0]);
        FieldRef {
            name: match f.name {
                Str::Domain => std_name,
                s => self.str(s),
            },
            ty: match f.ty {
                Str::Domain => std_ty,
                s => self.str(s),
            },
            base: f.base,
        }
    }

    /// The fields of type `t`.
    pub(crate) fn fields_of(&self, t: u8) -> impl Iterator<Item = FieldRef<'a>> + '_ {
        (0..self.field_count(t)).filter_map(move |i| self.field_of(t, i))
    }

    /// `typeHash` of type `t` (computed by [`Types::hash_types`]).
    pub(crate) fn type_hash(&self, t: u8) -> B256 {
        self.defs.get(usize::from(t)).map_or([0; 32], |d| d.hash)
    }

    /// The struct types `t` refers to, itself included, directly or not: a bit per type.
    pub(crate) fn closure(&self, t: u8) -> u64 {
        let mut set = 1u64 << t;
        loop {
            let mut next = set;
            for s in 0..self.n_defs {
                if set & (1 << s) != 0 {
                    for f in self.fields_of(s) {
                        if let Base::Struct(d) = f.base {
                            next |= 1 << d;
                        }
                    }
                }
            }
            if next == set {
                return set;
            }
            set = next;
        }
    }

    /// Writes `encodeType(t)` into `out`: `t`'s own `Name(type name,...)`,
    /// then those of the types it refers to, sorted by name.
    pub(crate) fn encode_type(&self, t: u8, out: &mut impl FnMut(&[u8])) {
        let mut rest = self.closure(t) & !(1 << t);
        self.encode_one(t, out);
        while rest != 0 {
            let mut best: Option<u8> = None;
            for s in 0..self.n_defs {
                if rest & (1 << s) != 0 && best.is_none_or(|b| self.name(s) < self.name(b)) {
                    best = Some(s);
                }
            }
            let Some(b) = best else { break };
            self.encode_one(b, out);
            rest &= !(1 << b);
        }
    }

    fn encode_one(&self, t: u8, out: &mut impl FnMut(&[u8])) {
        out(self.name(t).as_bytes());
        out(b"(");
        for (i, f) in self.fields_of(t).enumerate() {
            if i > 0 {
                out(b",");
            }
            out(f.ty.as_bytes());
            out(b" ");
            out(f.name.as_bytes());
        }
        out(b")");
    }

    /// Computes and keeps `typeHash` of every type in `set` (a bit per type).
    pub(crate) fn hash_types(&mut self, set: u64) {
        for t in 0..self.n_defs {
            if set & (1 << t) != 0 {
                let mut h = Keccak256::new();
                self.encode_type(t, &mut |b| h.update(b));
                if let Some(d) = self.defs.get_mut(usize::from(t)) {
                    d.hash = h.finalize();
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn atomic_names() {
        assert_eq!(atomic("uint256"), Some(Base::Uint(256)));
        assert_eq!(atomic("int8"), Some(Base::Int(8)));
        assert_eq!(atomic("bytes32"), Some(Base::FixedBytes(32)));
        assert_eq!(atomic("bytes1"), Some(Base::FixedBytes(1)));
        for bad in [
            "uint", "int", "uint7", "uint264", "uint08", "bytes0", "bytes33", "bytes01", "int+8",
            "Uint8", "function",
        ] {
            assert_eq!(atomic(bad), None, "{bad}");
        }
    }

    #[test]
    fn array_dims() {
        assert_eq!(split_dims("Person[2][]"), Some(("Person", "[2][]")));
        assert_eq!(split_dims("uint8"), Some(("uint8", "")));
        for bad in ["a[", "a[]x", "a[02]", "a[0]", "a[x]", "a[257]", "a]["] {
            assert_eq!(split_dims(bad), None, "{bad}");
        }
        assert_eq!(outer_dim("Person[2][]"), Some(("Person[2]", None)));
        assert_eq!(outer_dim("Person[2]"), Some(("Person", Some(2))));
        assert_eq!(outer_dim("Person"), None);
        assert!(
            is_identifier("_a$1")
                && !is_identifier("1a")
                && !is_identifier("")
                && !is_identifier("a-b")
        );
    }
}
