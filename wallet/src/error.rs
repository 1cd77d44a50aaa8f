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

/// What is wrong with the JSON text of a typed-data document (RFC 8259, strictly).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum JsonError {
    /// A byte that cannot start or continue a value here.
    UnexpectedByte,
    /// The text ends inside a value.
    UnexpectedEnd,
    /// Something other than white space after the top-level value.
    TrailingBytes,
    /// The text is not UTF-8.
    InvalidUtf8,
    /// A control character (below U+0020) inside a string.
    ControlCharacter,
    /// A backslash escape other than `\" \\ \/ \b \f \n \r \t \uXXXX`.
    InvalidEscape,
    /// A `\u` surrogate without its pair.
    LoneSurrogate,
    /// An object key with a backslash escape (keys are names, written plainly).
    EscapedKey,
    /// An object key longer than [`crate::limits::MAX_NAME_BYTES`].
    KeyTooLong,
    /// The same key twice in one object.
    DuplicateKey,
    /// A number with a leading zero (`01`) or a negative zero.
    LeadingZero,
    /// A number with a fraction or an exponent (typed data has only integers).
    NotAnInteger,
    /// A number past 2^53 − 1 in magnitude (send larger ones as strings).
    NumberTooLarge,
    /// Objects and arrays nested deeper than [`crate::limits::MAX_JSON_DEPTH`].
    TooDeep,
    /// More values than [`crate::limits::MAX_JSON_VALUES`].
    TooManyValues,
}

/// What is wrong with a typed-data document that is valid JSON (EIP-712 rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum TypedDataError {
    /// A JSON value of the wrong kind (`expected` names the kind wanted).
    Expected {
        /// `"an object"`, `"a string"`, …
        expected: &'static str,
    },
    /// A required member (`types`, `primaryType`, `domain`, `message`, `name`, `type`) is absent.
    MissingMember {
        /// Its name.
        name: &'static str,
    },
    /// A member that does not belong (the document has exactly four, a field exactly two).
    UnknownMember,
    /// More struct types than [`crate::limits::MAX_TYPES`].
    TooManyTypes,
    /// More fields than [`crate::limits::MAX_FIELDS`] in all types together.
    TooManyFields,
    /// A type or field name that is not an identifier (`[A-Za-z_$][A-Za-z0-9_$]*`, at most 64 bytes).
    NameSyntax,
    /// A struct type named like an atomic type (`uint256`, `bytes`, …).
    ReservedName,
    /// A field type that is not a type name followed by `[]` or `[N]` groups.
    TypeSyntax,
    /// Two fields of one type with the same name.
    DuplicateField,
    /// A type name that is neither atomic nor defined in `types`.
    UnknownType,
    /// `primaryType` is `EIP712Domain` (there is no message to sign).
    PrimaryTypeIsDomain,
    /// A standard `EIP712Domain` field (`name`, `version`, `chainId`,
    /// `verifyingContract`, `salt`) declared with another type.
    DomainFieldType,
    /// A struct value without one of its type's fields.
    MissingField,
    /// A key in a struct value that is not a field of its type.
    UnknownField,
    /// A fixed-size array value with the wrong number of elements.
    ArrayLength {
        /// Elements given.
        got: usize,
        /// Elements the type declares.
        expected: usize,
    },
    /// An array longer than [`crate::limits::MAX_ARRAY_LEN`].
    ArrayTooLong,
    /// An integer outside its type's range.
    OutOfRange,
    /// A string that is not a value of its type (decimal or `0x` hex integer,
    /// `0x` hex bytes, an address).
    ValueSyntax,
    /// A `bytesN` value of another length.
    BytesLength {
        /// Bytes given.
        got: usize,
        /// `N`.
        expected: usize,
    },
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
    /// A typed-data document that is not strict JSON.
    Json {
        /// What is wrong.
        error: JsonError,
        /// Byte offset in the document.
        at: usize,
    },
    /// A typed-data document that breaks an EIP-712 rule.
    TypedData {
        /// What is wrong.
        error: TypedDataError,
        /// Byte offset of the offending value in the document.
        at: usize,
    },
    /// The writer a display was written to refused more text (full).
    DisplayFull,
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

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::UnexpectedByte => "unexpected byte",
            Self::UnexpectedEnd => "unexpected end of text",
            Self::TrailingBytes => "bytes after the document",
            Self::InvalidUtf8 => "not UTF-8",
            Self::ControlCharacter => "control character in a string",
            Self::InvalidEscape => "invalid escape",
            Self::LoneSurrogate => "unpaired UTF-16 surrogate",
            Self::EscapedKey => "escape in an object key",
            Self::KeyTooLong => "object key too long",
            Self::DuplicateKey => "duplicate key",
            Self::LeadingZero => "number with a leading zero",
            Self::NotAnInteger => "number with a fraction or exponent",
            Self::NumberTooLarge => "number past 2^53 - 1 (use a string)",
            Self::TooDeep => "nested too deep",
            Self::TooManyValues => "too many values",
        })
    }
}

impl fmt::Display for TypedDataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Expected { expected } => write!(f, "expected {expected}"),
            Self::MissingMember { name } => write!(f, "missing member `{name}`"),
            Self::UnknownMember => write!(f, "unknown member"),
            Self::TooManyTypes => write!(f, "too many types"),
            Self::TooManyFields => write!(f, "too many fields"),
            Self::NameSyntax => write!(f, "name is not an identifier"),
            Self::ReservedName => write!(f, "struct named like an atomic type"),
            Self::TypeSyntax => write!(f, "malformed type"),
            Self::DuplicateField => write!(f, "duplicate field name"),
            Self::UnknownType => write!(f, "undefined type"),
            Self::PrimaryTypeIsDomain => write!(f, "primaryType is EIP712Domain"),
            Self::DomainFieldType => write!(f, "standard domain field with a non-standard type"),
            Self::MissingField => write!(f, "missing field"),
            Self::UnknownField => write!(f, "field not in the type"),
            Self::ArrayLength { got, expected } => {
                write!(f, "{got} array elements, expected {expected}")
            }
            Self::ArrayTooLong => write!(f, "array too long"),
            Self::OutOfRange => write!(f, "integer out of range"),
            Self::ValueSyntax => write!(f, "malformed value"),
            Self::BytesLength { got, expected } => write!(f, "{got} bytes, expected {expected}"),
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
            Self::Json { error, at } => write!(f, "typed data JSON at byte {at}: {error}"),
            Self::TypedData { error, at } => write!(f, "typed data at byte {at}: {error}"),
            Self::DisplayFull => write!(f, "display buffer full"),
        }
    }
}

impl core::error::Error for Error {}

/// Results of this crate.
pub type Result<T> = core::result::Result<T, Error>;
