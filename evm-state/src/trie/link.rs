//! Node references: [`Link`] (empty, arena node or unresolved hash) and the inline-or-hashed `NodeRef` a parent embeds.

use crate::types::{keccak256, B256};

/// A reference to a trie node: nothing, a node in the arena, or an unresolved hash.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Link(pub(super) u32);

pub(super) enum LinkKind {
    Empty,
    Node(u32),
    Hash(u32),
}

const HASH_BIT: u32 = 0x8000_0000;

impl Link {
    /// The empty trie / no child.
    pub const EMPTY: Self = Self(u32::MAX);

    pub(super) fn node(id: u32) -> Self {
        Self(id)
    }

    pub(super) fn hash(offset: u32) -> Self {
        Self(offset | HASH_BIT)
    }

    /// Whether this is the empty trie.
    pub fn is_empty(self) -> bool {
        self == Self::EMPTY
    }

    pub(super) fn kind(self) -> LinkKind {
        if self.is_empty() {
            LinkKind::Empty
        } else if self.0 & HASH_BIT != 0 {
            LinkKind::Hash(self.0 & !HASH_BIT)
        } else {
            LinkKind::Node(self.0)
        }
    }
}

impl core::fmt::Debug for Link {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.kind() {
            LinkKind::Empty => write!(f, "Empty"),
            LinkKind::Node(id) => write!(f, "Node({id})"),
            LinkKind::Hash(off) => write!(f, "Hash(@{off})"),
        }
    }
}

#[cfg(feature = "alloc")]
impl Default for Link {
    fn default() -> Self {
        Self::EMPTY
    }
}

/// What a parent embeds for a child: its RLP if shorter than 32 bytes, else `0xa0 ‖ hash`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct NodeRef {
    len: u8,
    buf: [u8; 33],
}

impl NodeRef {
    pub(super) const NONE: Self = Self {
        len: 0,
        buf: [0; 33],
    };

    pub(crate) fn from_encoding(enc: &[u8]) -> Self {
        if enc.len() < 32 {
            let mut r = Self::NONE;
            if let Some(dst) = r.buf.get_mut(..enc.len()) {
                dst.copy_from_slice(enc);
                r.len = enc.len() as u8;
            }
            r
        } else {
            Self::for_hash(&keccak256(enc))
        }
    }

    pub(super) fn for_hash(hash: &B256) -> Self {
        let mut buf = [0xa0; 33];
        if let Some(dst) = buf.get_mut(1..) {
            dst.copy_from_slice(hash);
        }
        Self { len: 33, buf }
    }

    pub(super) fn is_some(&self) -> bool {
        self.len != 0
    }

    pub(crate) fn as_slice(&self) -> &[u8] {
        self.buf.get(..usize::from(self.len)).unwrap_or(&[])
    }

    pub(crate) fn hash(&self) -> Option<B256> {
        if self.len == 33 {
            self.buf.get(1..).and_then(|h| h.try_into().ok())
        } else {
            None
        }
    }
}
