//! The one walk over a struct value in type order (fields as declared, array elements in order), with an explicit bounded stack; hashing and the display both visit it.

use core::fmt::{self, Write};

use super::json::{Document, Kind};
use super::types::{outer_dim, split_dims, Base, Types};
use super::value;
use crate::error::{Error, JsonError, Result, TypedDataError};
use crate::limits::{MAX_ARRAY_LEN, MAX_JSON_DEPTH};
use crate::B256;

/// What the walk reports, in document order of the type.
pub(crate) enum Event<'w, 'a> {
    /// A struct value begins (its fields follow, then [`Event::End`]).
    Struct {
        /// Where it is.
        path: Path<'w, 'a>,
        /// Its field type string (the root's type name).
        ty: &'a str,
        /// `typeHash` of its type.
        type_hash: B256,
    },
    /// An array value begins (its elements follow, then [`Event::End`]).
    Array {
        /// Where it is.
        path: Path<'w, 'a>,
        /// Its type string.
        ty: &'a str,
        /// Number of elements.
        len: usize,
    },
    /// An atomic or dynamic value, or a `null` struct.
    Leaf {
        /// Where it is.
        path: Path<'w, 'a>,
        /// Its type string.
        ty: &'a str,
        /// Its node.
        node: u16,
        /// Its element type (`Struct` for a `null` struct).
        base: Base,
        /// Its `encodeData` word (zero for a `null` struct, as v4 encodes it).
        word: B256,
    },
    /// The innermost open struct or array ends.
    End,
}

/// One open value of the walk: a struct (and the field being visited) or an
/// array (and the element being visited).
#[derive(Clone, Copy, Default)]
pub(crate) struct Frame<'a> {
    /// The value's node.
    node: u16,
    /// Struct: its type index.
    ty: u8,
    /// Whether this is an array.
    array: bool,
    /// Array: the element type string.
    elem: &'a str,
    /// Struct: the next field's index. Array: the next element's node.
    next: u16,
    /// Struct: the name of the field being visited.
    name: &'a str,
    /// Array: the index of the element being visited, and how many were.
    index: u16,
    seen: u16,
}

/// Where a value is: the root name, then a `.field` or `[index]` segment per open value.
#[derive(Clone, Copy)]
pub(crate) struct Path<'w, 'a> {
    root: &'static str,
    frames: &'w [Frame<'a>],
}

impl fmt::Display for Path<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.root)?;
        for frame in self.frames {
            if frame.array {
                write!(f, "[{}]", frame.index)?;
            } else {
                f.write_char('.')?;
                f.write_str(frame.name)?;
            }
        }
        Ok(())
    }
}

fn td(error: TypedDataError, at: usize) -> Error {
    Error::TypedData { error, at }
}

fn too_deep(at: usize) -> Error {
    Error::Json {
        error: JsonError::TooDeep,
        at,
    }
}

/// Walks the struct value `node` of type `ty` (named `root` in paths), calling `visit` for every event.
pub(crate) fn walk<'a>(
    doc: &Document<'a>,
    types: &Types<'a>,
    root: &'static str,
    ty: u8,
    node: u16,
    visit: &mut impl FnMut(Event<'_, 'a>) -> Result<()>,
) -> Result<()> {
    let mut stack = [Frame::default(); MAX_JSON_DEPTH];
    let mut depth = 0usize;
    check_struct(doc, types, ty, node)?;
    visit(Event::Struct {
        path: Path { root, frames: &[] },
        ty: types.name(ty),
        type_hash: types.type_hash(ty),
    })?;
    push(
        &mut stack,
        &mut depth,
        doc.node(node).at(),
        Frame {
            node,
            ty,
            ..Frame::default()
        },
    )?;
    while let Some(top) = depth.checked_sub(1).and_then(|d| stack.get_mut(d)) {
        // The next child of the innermost open value, with its type string.
        let next = if top.array {
            let end = doc.node(top.node).end_index();
            (top.next < end).then(|| {
                let child = top.next;
                top.next = doc.node(child).end_index().max(child + 1);
                top.index = top.seen;
                top.seen = top.seen.saturating_add(1);
                Ok::<_, Error>((child, top.elem, base_of(types, top.elem)))
            })
        } else {
            types
                .field_of(top.ty, u8::try_from(top.next).unwrap_or(u8::MAX))
                .map(|field| {
                    top.next += 1;
                    top.name = field.name;
                    let child = doc
                        .member(top.node, field.name)
                        .ok_or_else(|| td(TypedDataError::MissingField, doc.node(top.node).at()))?;
                    Ok((child, field.ty, field.base))
                })
        };
        let Some(next) = next else {
            depth -= 1;
            visit(Event::End)?;
            continue;
        };
        let (child, child_ty, base) = next?;
        let path = Path {
            root,
            frames: stack.get(..depth).unwrap_or(&[]),
        };
        let n = doc.node(child);
        let frame = if let Some((elem, fixed)) = outer_dim(child_ty) {
            if n.kind != Kind::Array {
                return Err(td(
                    TypedDataError::Expected {
                        expected: "an array",
                    },
                    n.at(),
                ));
            }
            let len = doc.children(child).count();
            if len > MAX_ARRAY_LEN {
                return Err(td(TypedDataError::ArrayTooLong, n.at()));
            }
            if let Some(expected) = fixed.filter(|&e| e != len) {
                return Err(td(
                    TypedDataError::ArrayLength { got: len, expected },
                    n.at(),
                ));
            }
            visit(Event::Array {
                path,
                ty: child_ty,
                len,
            })?;
            Some(Frame {
                node: child,
                array: true,
                elem,
                next: child + 1,
                ..Frame::default()
            })
        } else if let (Base::Struct(s), false) = (base, n.kind == Kind::Null) {
            check_struct(doc, types, s, child)?;
            visit(Event::Struct {
                path,
                ty: child_ty,
                type_hash: types.type_hash(s),
            })?;
            Some(Frame {
                node: child,
                ty: s,
                ..Frame::default()
            })
        } else {
            let word = match base {
                Base::Struct(_) => [0; 32],
                _ => value::encode(doc, &n, base)?,
            };
            visit(Event::Leaf {
                path,
                ty: child_ty,
                node: child,
                base,
                word,
            })?;
            None
        };
        if let Some(frame) = frame {
            push(&mut stack, &mut depth, n.at(), frame)?;
        }
    }
    Ok(())
}

/// The element type of a type string (already checked at parse).
fn base_of(types: &Types<'_>, ty: &str) -> Base {
    let name = split_dims(ty).map_or(ty, |(name, _)| name);
    super::types::atomic(name)
        .or_else(|| types.find(name).map(Base::Struct))
        .unwrap_or_default()
}

fn push<'a>(
    stack: &mut [Frame<'a>; MAX_JSON_DEPTH],
    depth: &mut usize,
    at: usize,
    frame: Frame<'a>,
) -> Result<()> {
    *stack.get_mut(*depth).ok_or_else(|| too_deep(at))? = frame;
    *depth += 1;
    Ok(())
}

/// Checks the struct value `node` of type `ty`: an object whose keys are all fields of the type.
fn check_struct(doc: &Document<'_>, types: &Types<'_>, ty: u8, node: u16) -> Result<()> {
    let n = doc.node(node);
    if n.kind != Kind::Object {
        return Err(td(
            TypedDataError::Expected {
                expected: "an object",
            },
            n.at(),
        ));
    }
    for m in doc.children(node) {
        let member = doc.node(m);
        let key = doc.key_of(&member);
        if !types.fields_of(ty).any(|f| f.name == key) {
            return Err(td(TypedDataError::UnknownField, member.at()));
        }
    }
    Ok(())
}

/// `hashStruct` of the struct value `node` of type `ty`: the walk's words
/// hashed with a bounded stack of keccak states, one per open value.
pub(crate) fn hash_struct(
    doc: &Document<'_>,
    types: &Types<'_>,
    ty: u8,
    node: u16,
) -> Result<B256> {
    use evm_core::keccak::Keccak256;
    let mut hashers: [Option<Keccak256>; MAX_JSON_DEPTH] = core::array::from_fn(|_| None);
    let mut depth = 0usize;
    let mut result = [0u8; 32];
    walk(doc, types, "", ty, node, &mut |event| {
        match event {
            Event::Struct { type_hash, .. } => {
                let mut h = Keccak256::new();
                h.update(&type_hash);
                *hashers.get_mut(depth).ok_or_else(|| too_deep(0))? = Some(h);
                depth += 1;
            }
            Event::Array { .. } => {
                *hashers.get_mut(depth).ok_or_else(|| too_deep(0))? = Some(Keccak256::new());
                depth += 1;
            }
            Event::Leaf { word, .. } => {
                if let Some(Some(h)) = depth.checked_sub(1).and_then(|d| hashers.get_mut(d)) {
                    h.update(&word);
                }
            }
            Event::End => {
                depth = depth.saturating_sub(1);
                let word = hashers
                    .get_mut(depth)
                    .and_then(Option::take)
                    .map(Keccak256::finalize)
                    .unwrap_or_default();
                match depth.checked_sub(1).and_then(|d| hashers.get_mut(d)) {
                    Some(Some(h)) => h.update(&word),
                    _ => result = word,
                }
            }
        }
        Ok(())
    })?;
    Ok(result)
}

/// Writes one line per value of the walk: `path: type = value` for atomic and
/// dynamic values (and `null` structs), `path: Type` for structs,
/// `path: type[] (n items)` for arrays.
pub(crate) fn display(
    doc: &Document<'_>,
    types: &Types<'_>,
    root: &'static str,
    ty: u8,
    node: u16,
    w: &mut impl Write,
) -> Result<()> {
    walk(doc, types, root, ty, node, &mut |event| {
        let line = match event {
            Event::Struct { path, ty, .. } => writeln!(w, "{path}: {ty}"),
            Event::Array { path, ty, len } => {
                writeln!(
                    w,
                    "{path}: {ty} ({len} item{})",
                    if len == 1 { "" } else { "s" }
                )
            }
            Event::Leaf {
                path,
                ty,
                node,
                base,
                ..
            } => {
                let n = doc.node(node);
                write!(w, "{path}: {ty} = ")
                    .and_then(|()| {
                        if let (Base::Struct(_), Kind::Null) = (base, n.kind) {
                            w.write_str("null")
                        } else {
                            value::render(doc, &n, base, w)
                        }
                    })
                    .and_then(|()| w.write_char('\n'))
            }
            Event::End => Ok(()),
        };
        line.map_err(|_| Error::DisplayFull)
    })
}
