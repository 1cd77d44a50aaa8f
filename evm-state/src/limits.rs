//! Every capacity of this crate; a full buffer is an `Err`, never a panic or a truncation.

/// Deepest list nesting the strict RLP validator walks (an explicit stack of this size).
pub const MAX_RLP_DEPTH: usize = 32;

/// Longest trie key in bytes (state and storage tries use 32-byte keccak keys).
pub const MAX_KEY_BYTES: usize = 32;

/// Longest trie key in nibbles.
pub const MAX_KEY_NIBBLES: usize = MAX_KEY_BYTES * 2;

/// Longest value stored in a trie leaf or branch (an account RLP is at most 110 bytes).
pub const MAX_VALUE_BYTES: usize = 256;

/// Largest encoded trie node: a 17-item branch with 16 hash references and the largest value.
pub const MAX_NODE_BYTES: usize = 3 + 16 * 33 + 3 + MAX_VALUE_BYTES;

/// Most nodes on one root-to-value path (a branch or extension per nibble, then a leaf,
/// with slack for inline nodes); bounds proof length and every explicit walk stack.
pub const MAX_TRIE_DEPTH: usize = 2 * MAX_KEY_NIBBLES + 2;

/// Most nodes accepted in one proof (account proof or one storage proof).
pub const MAX_PROOF_NODES: usize = MAX_TRIE_DEPTH;

/// Largest account RLP `[nonce, balance, storageRoot, codeHash]`: 2 + 9 + 33 + 33 + 33.
pub const MAX_ACCOUNT_RLP: usize = 110;
