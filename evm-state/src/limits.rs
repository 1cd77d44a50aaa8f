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

/// Byte stack a [`crate::stream_root::StreamRoot`] needs for any key set: per open
/// branch (one per nibble depth) a 3-byte header room, its value's RLP and 16
/// child references, plus one value RLP appended while a branch closes (50,819 bytes).
/// Tries of 32-byte keys have no values in branches and need at most
/// `MAX_KEY_NIBBLES * (3 + 16 * 33)` (33,984 bytes); real ones far less (one
/// branch per level, ~ log16 of the key count).
pub const STREAM_ROOT_BYTES: usize =
    MAX_KEY_NIBBLES * (3 + (3 + MAX_VALUE_BYTES) + 16 * 33) + (3 + MAX_VALUE_BYTES);

// The figure the docs quote.
const _: () = assert!(STREAM_ROOT_BYTES == 50_819);

/// Most nodes accepted in one proof (account proof or one storage proof).
pub const MAX_PROOF_NODES: usize = MAX_TRIE_DEPTH;

/// Largest account RLP `[nonce, balance, storageRoot, codeHash]`: 2 + 9 + 33 + 33 + 33.
pub const MAX_ACCOUNT_RLP: usize = 110;

// An account RLP must fit a trie value, checked when compiling.
const _: () = assert!(MAX_ACCOUNT_RLP <= MAX_VALUE_BYTES);

/// Accounts whose storage a [`crate::witness::WitnessState`] can write (its table of current storage roots).
pub const MAX_TOUCHED_ACCOUNTS: usize = 64;

/// Contract codes a [`crate::witness::WitnessState`] can hold (borrowed, not copied).
pub const MAX_WITNESS_CODES: usize = 32;

/// Block hashes a [`crate::witness::WitnessState`] can hold (`BLOCKHASH` reaches back 256 blocks).
pub const MAX_BLOCK_HASHES: usize = 256;

/// Arena slots one write may add when no trie path is deeper than `depth`
/// nodes: a copy of each witness node on the storage-trie and the state-trie
/// path (a node is copied once, then updated in place), plus a new leaf and a
/// split branch and extension in each trie.
pub const fn write_slots(depth: usize) -> usize {
    2 * (depth + 3)
}

/// Arena slots one write to a witness state may add at most ([`write_slots`] of [`MAX_TRIE_DEPTH`]).
pub const WRITE_SLOTS: usize = write_slots(MAX_TRIE_DEPTH);

/// Pool bytes one write to a witness state may add at most: the storage value,
/// the account RLP and a 32-byte storage-root link.
pub const WRITE_BYTES: usize = 33 + MAX_ACCOUNT_RLP + 32;

/// Arena slots that always suffice for a witness of `nodes` proof nodes holding
/// `inline` inline (under 32-byte) nodes, followed by `writes` writes.
///
/// Every loaded node and inline node takes one slot; in state and storage tries
/// of real chains `inline` is zero or tiny (an inline leaf needs a long shared
/// key prefix). Exceeding the arena is [`crate::Error::BufferFull`].
pub const fn witness_slots(nodes: usize, inline: usize, writes: usize) -> usize {
    nodes + inline + writes * WRITE_SLOTS
}

/// Like [`witness_slots`] when every path is at most `depth` nodes deep (the
/// longest proof, plus two for each earlier write that split a node).
pub const fn witness_slots_at_depth(
    nodes: usize,
    inline: usize,
    writes: usize,
    depth: usize,
) -> usize {
    nodes + inline + writes * write_slots(depth)
}

/// Pool bytes that always suffice for a witness whose proof nodes total
/// `proof_bytes`, followed by `writes` writes: loading copies only values and
/// 32-byte child hashes, each shorter than the node bytes it came from.
pub const fn witness_bytes(proof_bytes: usize, writes: usize) -> usize {
    proof_bytes + writes * WRITE_BYTES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_consistent() {
        // A branch of 16 hash references and the largest value fits a node.
        assert_eq!(MAX_NODE_BYTES, 3 + 528 + 3 + MAX_VALUE_BYTES);
        assert_eq!(witness_slots(10, 2, 0), 12);
        assert_eq!(witness_slots_at_depth(10, 0, 1, 8), 10 + 22);
        assert!(witness_slots(1, 0, 1) >= witness_slots_at_depth(1, 0, 1, 64));
        assert_eq!(witness_bytes(100, 2), 100 + 2 * WRITE_BYTES);
    }
}
