//! Incremental Merkle-Patricia trie in an arena: get, insert, update, delete, root hash, witness loading.
//!
//! Nodes live in a [`Store`](crate::store::Store); a trie is named by a [`Link`]
//! to its root, so one arena holds the state trie and many storage tries. Nodes
//! loaded from a witness (and everything below the "frozen" mark) are immutable
//! and shared; writes copy them (copy on write) and update nodes they created in
//! place. An unresolved subtree is a [`Link`] to its hash; walking into it
//! resolves the hash against the loaded nodes or fails with
//! [`Error::MissingWitness`](crate::Error::MissingWitness). Every walk uses an
//! explicit stack bounded by [`MAX_TRIE_DEPTH`](crate::limits::MAX_TRIE_DEPTH).
//!
//! One concept per file: `link` (node references, inline or hashed), `arena`
//! (the [`Trie`] and its slots), `read` (lookups), `update` (insert and delete
//! with collapse), `encode` (node RLP), `hash` (references and root hash),
//! `load` (witness loading), `proof` (proof generation), `mem` (`MemTrie`) and
//! `root` (the root of a set of entries without a trie).

mod arena;
mod encode;
mod hash;
mod link;
mod load;
#[cfg(feature = "alloc")]
mod mem;
mod proof;
mod read;
#[cfg(feature = "alloc")]
mod root;
mod update;

pub use arena::{Slot, Trie};
pub use link::Link;
pub(crate) use link::NodeRef;
#[cfg(feature = "alloc")]
pub use mem::{Entry, MemTrie};
#[cfg(feature = "alloc")]
pub use root::{root, secure_root};
