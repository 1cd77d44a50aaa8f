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

/// Longest EIP-712 typed-data JSON document, in bytes (offsets into it are
/// stored as `u16`, so this stays below 64 KiB).
pub const MAX_TYPED_DATA_BYTES: usize = 16 * 1024;

/// Most JSON values (objects, arrays, strings, numbers, literals; keys not
/// counted) in a typed-data document.
pub const MAX_JSON_VALUES: usize = 512;

/// Deepest nesting of JSON objects and arrays (the document's top object is
/// depth 1, `message` depth 2).
pub const MAX_JSON_DEPTH: usize = 12;

/// Longest JSON object key, type name and field name, in bytes.
pub const MAX_NAME_BYTES: usize = 64;

/// Longest field type string (`Person[2][]`), in bytes.
pub const MAX_TYPE_STRING_BYTES: usize = 96;

/// Most struct types in `types`, `EIP712Domain` included (a `u64` bit set).
pub const MAX_TYPES: usize = 32;

/// Most fields of all struct types together.
pub const MAX_FIELDS: usize = 128;

/// Most elements of one array value, and the largest fixed array length a type may declare.
pub const MAX_ARRAY_LEN: usize = 256;

const _: () = assert!(MAX_TYPED_DATA_BYTES < u16::MAX as usize);
const _: () = assert!(MAX_JSON_VALUES < u16::MAX as usize);
const _: () = assert!(MAX_TYPES <= 64 && MAX_FIELDS <= 255 && MAX_NAME_BYTES <= 255);
const _: () = assert!(MAX_TYPE_STRING_BYTES <= 255);
