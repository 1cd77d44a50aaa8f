//! Every bound of this crate: input sizes, list counts, path depth; a value past one is an `Err`.

/// Longest transaction accepted, signed or unsigned, in bytes (room for the
/// largest init code, 49 152 bytes since EIP-3860, and its envelope).
pub const MAX_TX_BYTES: usize = 128 * 1024;

/// Most top-level fields of any transaction form (EIP-4844 signed: 11 + 3).
pub const MAX_TX_FIELDS: usize = 14;

/// Most entries (addresses) in an EIP-2930 access list.
pub const MAX_ACCESS_LIST_ADDRESSES: usize = 256;

/// Most storage keys in an access list, all entries together.
pub const MAX_ACCESS_LIST_KEYS: usize = 1024;

/// Most blob versioned hashes in an EIP-4844 transaction.
pub const MAX_BLOB_HASHES: usize = 16;

/// Most tuples in an EIP-7702 authorization list.
pub const MAX_AUTHORIZATIONS: usize = 64;

/// Most levels of a BIP-32 derivation path (`m/44'/60'/0'/0/0` has 5).
pub const MAX_PATH_DEPTH: usize = 10;

/// Longest derivation path string: `m` and ten `/2147483647'` levels.
pub const MAX_PATH_CHARS: usize = 1 + MAX_PATH_DEPTH * 12;

/// Most words of a BIP-39 mnemonic (256 bits of entropy).
pub const MAX_MNEMONIC_WORDS: usize = 24;

/// Longest mnemonic string accepted (24 words of at most 8 letters, with
/// generous room for separating white space).
pub const MAX_MNEMONIC_CHARS: usize = 512;

/// Longest BIP-39 passphrase in bytes.
pub const MAX_PASSPHRASE_BYTES: usize = 256;

/// PBKDF2-HMAC-SHA512 iterations of BIP-39.
pub const BIP39_ROUNDS: u32 = 2048;

/// Largest init code of a contract-creating transaction (EIP-3860).
pub const MAX_INITCODE_BYTES: usize = 2 * 24_576;
