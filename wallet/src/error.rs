//! The one error type of this crate: malformed input, bad keys, refused transactions.

use core::fmt;

/// What is wrong with one field of a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum FieldError {
    /// A list where a byte string belongs.
    ExpectedBytes,
    /// A byte string where a list belongs.
    ExpectedList,
    /// An integer with a leading zero byte.
    LeadingZero,
    /// An integer wider than its type allows.
    TooLarge {
        /// Bytes in the encoding.
        got: usize,
        /// Widest accepted.
        limit: usize,
    },
    /// A fixed-size string (address, hash) of the wrong length.
    WrongLength {
        /// Bytes in the encoding.
        got: usize,
        /// Bytes required.
        expected: usize,
    },
    /// A list with the wrong number of items.
    ItemCount {
        /// Items present.
        got: usize,
        /// Items required.
        expected: usize,
    },
    /// A value outside its allowed range (a legacy `v`, a `yParity`, a zero chain id).
    OutOfRange,
}

/// Everything that can go wrong in this crate.
///
/// Every variant is `Copy` and holds no heap data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Error {
    /// Malformed or non-canonical RLP (from `evm_state::rlp`).
    Rlp(evm_state::Error),
    /// One field of a transaction is malformed.
    Field {
        /// The field's name as the EIPs spell it.
        field: &'static str,
        /// What is wrong with it.
        error: FieldError,
    },
    /// The input is empty.
    Empty,
    /// An input longer than its limit.
    TooLong {
        /// Bytes given.
        got: usize,
        /// The limit (see `limits.rs`).
        limit: usize,
    },
    /// The envelope's type byte is not a supported transaction type.
    TypeNotSupported {
        /// The first byte.
        got: u8,
    },
    /// The transaction list has the wrong number of fields.
    FieldCount {
        /// Fields present.
        got: usize,
        /// Fields of this transaction form.
        expected: usize,
    },
    /// A list holds more items than its limit.
    TooMany {
        /// The list's name.
        list: &'static str,
        /// The limit (see `limits.rs`).
        limit: usize,
    },
    /// `r` or `s` is zero or not below the curve order.
    InvalidSignature,
    /// `s` is above half the curve order (EIP-2).
    HighS,
    /// No public key recovers from the signature.
    RecoveryFailed,
    /// A signature whose `r` was reduced modulo the order: no Ethereum `v` encodes it.
    UnrepresentableSignature,
    /// A chain id too large for `v = chain_id * 2 + 35 + y` to fit 256 bits.
    ChainIdTooLarge,
    /// A mnemonic with a word count other than 12, 15, 18, 21 or 24.
    WordCount {
        /// Words given.
        got: usize,
    },
    /// A word not in the BIP-39 English list (its position, from 0).
    UnknownWord {
        /// Position of the word.
        index: usize,
    },
    /// The mnemonic's checksum bits do not match its entropy.
    Checksum,
    /// Entropy of a length BIP-39 does not define (16, 20, 24, 28 or 32 bytes).
    EntropyLength {
        /// Bytes given.
        got: usize,
    },
    /// A passphrase with non-ASCII characters (see the README: no NFKD table on the device).
    PassphraseNotAscii,
    /// A derivation path that is not `m` followed by `/index` or `/index'` levels.
    PathSyntax {
        /// Byte offset of the first offending character.
        at: usize,
    },
    /// A derivation path deeper than [`crate::limits::MAX_PATH_DEPTH`].
    PathTooDeep {
        /// The limit.
        limit: usize,
    },
    /// A BIP-32 seed shorter than 16 or longer than 64 bytes.
    SeedLength {
        /// Bytes given.
        got: usize,
    },
    /// A derived key is invalid (`I_L >= n` or a zero key; probability below 2^-127).
    InvalidChildKey,
    /// An address string that is not `0x` and 40 hex digits.
    AddressSyntax,
    /// A mixed-case address whose case does not match its EIP-55 checksum.
    AddressChecksum,
    /// An output buffer is too small.
    BufferFull {
        /// Its capacity.
        capacity: usize,
    },
    /// The transaction cannot be valid under the rules checked (see `tx::rules`).
    Invalid(crate::tx::rules::Invalid),
}

impl From<evm_state::Error> for Error {
    fn from(e: evm_state::Error) -> Self {
        match e {
            evm_state::Error::BufferFull { capacity } => Self::BufferFull { capacity },
            e => Self::Rlp(e),
        }
    }
}

impl From<crate::tx::rules::Invalid> for Error {
    fn from(e: crate::tx::rules::Invalid) -> Self {
        Self::Invalid(e)
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ExpectedBytes => write!(f, "a list where a byte string belongs"),
            Self::ExpectedList => write!(f, "a byte string where a list belongs"),
            Self::LeadingZero => write!(f, "leading zero"),
            Self::TooLarge { got, limit } => write!(f, "{got} bytes, at most {limit}"),
            Self::WrongLength { got, expected } => write!(f, "{got} bytes, expected {expected}"),
            Self::ItemCount { got, expected } => write!(f, "{got} items, expected {expected}"),
            Self::OutOfRange => write!(f, "value out of range"),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rlp(e) => write!(f, "RLP: {e}"),
            Self::Field { field, error } => write!(f, "field `{field}`: {error}"),
            Self::Empty => write!(f, "empty input"),
            Self::TooLong { got, limit } => write!(f, "{got} bytes, at most {limit}"),
            Self::TypeNotSupported { got } => {
                write!(f, "transaction type 0x{got:02x} not supported")
            }
            Self::FieldCount { got, expected } => {
                write!(f, "{got} transaction fields, expected {expected}")
            }
            Self::TooMany { list, limit } => write!(f, "more than {limit} items in {list}"),
            Self::InvalidSignature => write!(f, "r or s is zero or not below the curve order"),
            Self::HighS => write!(f, "s above half the curve order"),
            Self::RecoveryFailed => write!(f, "no public key recovers from the signature"),
            Self::UnrepresentableSignature => write!(f, "signature with a reduced r"),
            Self::ChainIdTooLarge => write!(f, "chain id too large for an EIP-155 v"),
            Self::WordCount { got } => {
                write!(f, "{got} words; a mnemonic has 12, 15, 18, 21 or 24")
            }
            Self::UnknownWord { index } => {
                write!(f, "word {} is not in the BIP-39 list", index + 1)
            }
            Self::Checksum => write!(f, "mnemonic checksum mismatch"),
            Self::EntropyLength { got } => write!(
                f,
                "{got} bytes of entropy; BIP-39 takes 16 to 32 in steps of 4"
            ),
            Self::PassphraseNotAscii => write!(f, "passphrase is not ASCII"),
            Self::PathSyntax { at } => write!(f, "derivation path syntax error at byte {at}"),
            Self::PathTooDeep { limit } => write!(f, "derivation path deeper than {limit} levels"),
            Self::SeedLength { got } => write!(f, "seed of {got} bytes; BIP-32 takes 16 to 64"),
            Self::InvalidChildKey => write!(f, "invalid derived key"),
            Self::AddressSyntax => write!(f, "address is not 0x and 40 hex digits"),
            Self::AddressChecksum => write!(f, "address fails its EIP-55 checksum"),
            Self::BufferFull { capacity } => write!(f, "output buffer of {capacity} bytes is full"),
            Self::Invalid(e) => write!(f, "{e}"),
        }
    }
}

impl core::error::Error for Error {}

/// Results of this crate.
pub type Result<T> = core::result::Result<T, Error>;
