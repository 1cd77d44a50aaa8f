//! Strict, borrowed decoding of one encoded trie node (branch, extension or leaf).

use crate::error::Error;
use crate::nibbles::Path;
use crate::rlp::{self, Item};
use crate::types::B256;

/// A child reference inside a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RawChild<'a> {
    /// No child.
    #[default]
    Empty,
    /// A node referenced by its keccak-256 hash.
    Hash(&'a B256),
    /// A node shorter than 32 bytes embedded in its parent (its full RLP).
    Inline(&'a [u8]),
}

/// One decoded node, borrowing from the encoding.
///
/// Lives on the stack only while a node is looked at, so the branch variant's
/// size is not boxed away (there is no heap on the device).
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawNode<'a> {
    /// 16 children and an optional value.
    Branch {
        /// Children by nibble.
        children: [RawChild<'a>; 16],
        /// Value ending exactly here.
        value: Option<&'a [u8]>,
    },
    /// A shared path to one child (always a branch in a canonical trie).
    Extension {
        /// The shared nibbles (at least one).
        path: Path,
        /// The child.
        child: RawChild<'a>,
    },
    /// The end of a key: the remaining nibbles and the value.
    Leaf {
        /// Remaining nibbles.
        path: Path,
        /// The stored value (never empty).
        value: &'a [u8],
    },
}

fn child(item: Item<'_>) -> Result<RawChild<'_>, Error> {
    if item.is_list() {
        if item.raw().len() >= 32 {
            return Err(Error::InvalidReference {
                got: item.raw().len(),
            });
        }
        return Ok(RawChild::Inline(item.raw()));
    }
    let bytes = item.bytes()?;
    match bytes.len() {
        0 => Ok(RawChild::Empty),
        32 => bytes
            .try_into()
            .map(RawChild::Hash)
            .map_err(|_| Error::InvalidReference { got: 32 }),
        n => Err(Error::InvalidReference { got: n }),
    }
}

/// Decodes one node strictly: canonical RLP, a 2- or 17-item list, valid
/// hex-prefix path, references that are empty, 32-byte hashes or inline
/// lists under 32 bytes, non-empty leaf values, branches with at least two
/// entries and extensions with a non-empty path and a child.
pub fn decode_node(raw: &[u8]) -> Result<RawNode<'_>, Error> {
    let item = rlp::decode(raw)?;
    let mut items = [Item::default(); 17];
    let n = item.list()?.collect_into(&mut items)?;
    match n {
        17 => {
            let mut children = [RawChild::Empty; 16];
            let mut entries = 0;
            for (c, it) in children.iter_mut().zip(items.iter()) {
                *c = child(*it)?;
                if *c != RawChild::Empty {
                    entries += 1;
                }
            }
            let value = items[16].bytes()?;
            let value = if value.is_empty() {
                None
            } else {
                entries += 1;
                Some(value)
            };
            if entries < 2 {
                return Err(Error::InvalidNode { items: 17 });
            }
            Ok(RawNode::Branch { children, value })
        }
        2 => {
            let (path, leaf) = Path::decode_compact(items[0].bytes()?)?;
            if leaf {
                let value = items[1].bytes()?;
                if value.is_empty() {
                    return Err(Error::BadValueLength {
                        got: 0,
                        expected: crate::limits::MAX_VALUE_BYTES,
                    });
                }
                Ok(RawNode::Leaf { path, value })
            } else {
                let child = child(items[1])?;
                if path.is_empty() || child == RawChild::Empty {
                    return Err(Error::InvalidNode { items: 2 });
                }
                Ok(RawNode::Extension { path, child })
            }
        }
        items => Err(Error::InvalidNode { items }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_a_leaf_and_rejects_bad_shapes() {
        // ["\x20", "dog"] : leaf with empty path.
        let leaf = [0xc5, 0x20, 0x83, b'd', b'o', b'g'];
        match decode_node(&leaf).unwrap() {
            RawNode::Leaf { path, value } => {
                assert!(path.is_empty());
                assert_eq!(value, b"dog");
            }
            other => panic!("{other:?}"),
        }
        // Three items.
        assert_eq!(
            decode_node(&[0xc3, 0x80, 0x80, 0x80]),
            Err(Error::InvalidNode { items: 3 })
        );
        // Extension with an empty child.
        assert_eq!(
            decode_node(&[0xc2, 0x11, 0x80]),
            Err(Error::InvalidNode { items: 2 })
        );
        // A 2-byte reference.
        assert_eq!(
            decode_node(&[0xc4, 0x11, 0x82, 0xaa, 0xbb]),
            Err(Error::InvalidReference { got: 2 })
        );
        // Leaf with an empty value.
        assert!(decode_node(&[0xc2, 0x20, 0x80]).is_err());
        // Branch with a single entry.
        let mut branch = vec![0xd1];
        branch.extend_from_slice(&[0x80; 16]);
        branch.push(0x01);
        assert_eq!(decode_node(&branch), Err(Error::InvalidNode { items: 17 }));
    }
}
