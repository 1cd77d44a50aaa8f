//! The compact trace row (one per executed instruction) and its postcard encoding.

use core::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::Error;
use crate::limits::{MAX_OPERANDS, MAX_ROW_BYTES};

/// A 256-bit word, big-endian. Encoded as a byte string without leading
/// zeros (0 is the empty string), so small values take few bytes; the decoder
/// rejects leading zeros and strings longer than 32 bytes, so every word has
/// exactly one encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Word(pub [u8; 32]);

impl Word {
    /// The zero word.
    pub const ZERO: Self = Self([0; 32]);

    /// The word's bytes without leading zeros.
    pub fn trimmed(&self) -> &[u8] {
        let lead = self.0.iter().take_while(|b| **b == 0).count();
        self.0.get(lead..).unwrap_or(&[])
    }
}

impl From<&evm_core::U256> for Word {
    fn from(v: &evm_core::U256) -> Self {
        Self(v.to_be_bytes::<32>())
    }
}

impl Serialize for Word {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.trimmed())
    }
}

struct WordVisitor;

impl Visitor<'_> for WordVisitor {
    type Value = Word;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("at most 32 bytes without leading zeros")
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Word, E> {
        if v.len() > 32 || v.first() == Some(&0) {
            return Err(E::invalid_length(v.len(), &self));
        }
        let mut w = [0u8; 32];
        if let Some(dst) = w.get_mut(32 - v.len()..) {
            dst.copy_from_slice(v);
        }
        Ok(Word(w))
    }
}

impl<'de> Deserialize<'de> for Word {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Word, D::Error> {
        d.deserialize_bytes(WordVisitor)
    }
}

/// How the instruction left its frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Status {
    /// The frame goes on (or, for CALL/CREATE, a callee starts).
    #[default]
    Continue,
    /// The frame stopped successfully (STOP, RETURN, SELFDESTRUCT).
    Success,
    /// REVERT.
    Revert,
    /// An exceptional halt (out of gas, invalid opcode, bad jump, ...).
    Halt,
}

/// A memory range the instruction reads or writes; its timestamp is the row's `clk`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct MemAccess {
    /// `true` for a write (MSTORE*, *COPY destination), `false` for a read.
    pub write: bool,
    /// First byte.
    pub offset: u32,
    /// Length in bytes (never 0: empty ranges are not recorded).
    pub len: u32,
}

/// Which store a storage access touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum StorageKind {
    /// SLOAD.
    Load,
    /// SSTORE.
    Store,
    /// TLOAD (EIP-1153).
    TransientLoad,
    /// TSTORE (EIP-1153).
    TransientStore,
}

/// A storage slot the instruction reads or writes; its timestamp is the row's `clk`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct StorageAccess {
    /// Load or store, persistent or transient.
    pub kind: StorageKind,
    /// The account whose storage is accessed (the frame's ADDRESS).
    pub address: [u8; 20],
    /// Slot.
    pub key: Word,
    /// Value read (loads; zero when the load halted) or written (stores).
    pub value: Word,
}

/// One executed instruction: the columns the AIR reads (DESIGN.md §5).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Row {
    /// Clock: the row's index in the trace, from 0.
    pub clk: u32,
    /// Program counter.
    pub pc: u32,
    /// Opcode byte.
    pub op: u8,
    /// Call depth (0 for the transaction's frame).
    pub depth: u16,
    /// Gas left before the instruction.
    pub gas: u64,
    /// Gas the instruction took (for CALL/CREATE: including the gas given to the callee).
    pub gas_cost: u64,
    /// Stack pointer (words on the stack) before the instruction.
    pub sp: u16,
    /// The words the instruction pops, top of stack first (as many as it
    /// has inputs, fewer when the stack underflows).
    pub operands: heapless::Vec<Word, MAX_OPERANDS>,
    /// The word it pushes, if any (none for CALL/CREATE, whose result comes
    /// back after the callee, and none when it halts).
    pub result: Option<Word>,
    /// Its memory access, if any.
    pub memory: Option<MemAccess>,
    /// Its storage access, if any.
    pub storage: Option<StorageAccess>,
    /// How it left the frame.
    pub status: Status,
}

/// Encodes `row` into `buf`, returning the bytes written.
pub fn encode_row<'b>(row: &Row, buf: &'b mut [u8]) -> Result<&'b [u8], Error> {
    Ok(postcard::to_slice(row, buf)?)
}

/// Decodes one row from the front of `bytes`: the row and the bytes after it.
/// Rejects any encoding that would not re-encode to the same bytes, so each
/// row has exactly one encoding (the commitment binds the rows, not a spelling).
pub fn decode_row(bytes: &[u8]) -> Result<(Row, &[u8]), Error> {
    let (row, rest) = postcard::take_from_bytes::<Row>(bytes)?;
    let used = bytes.len() - rest.len();
    let mut buf = [0u8; MAX_ROW_BYTES];
    let again = encode_row(&row, &mut buf)?;
    if Some(again) != bytes.get(..used) {
        return Err(Error::NonCanonical);
    }
    Ok((row, rest))
}

/// Iterates over the rows of an encoded trace, checking that clocks count up from 0.
/// Stops after the first error.
#[derive(Debug, Clone)]
pub struct RowReader<'a> {
    rest: &'a [u8],
    next_clk: u32,
    failed: bool,
}

impl<'a> RowReader<'a> {
    /// A reader over a concatenation of encoded rows.
    pub fn new(bytes: &'a [u8]) -> Self {
        Self {
            rest: bytes,
            next_clk: 0,
            failed: false,
        }
    }
}

impl Iterator for RowReader<'_> {
    type Item = Result<Row, Error>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.rest.is_empty() {
            return None;
        }
        let r = decode_row(self.rest).and_then(|(row, rest)| {
            if row.clk != self.next_clk {
                return Err(Error::ClockMismatch {
                    got: row.clk,
                    expected: self.next_clk,
                });
            }
            self.rest = rest;
            self.next_clk = self.next_clk.wrapping_add(1);
            Ok(row)
        });
        self.failed = r.is_err();
        Some(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn word() -> impl Strategy<Value = Word> {
        prop_oneof![
            Just(Word::ZERO),
            any::<u64>().prop_map(|v| {
                let mut w = [0u8; 32];
                w[24..].copy_from_slice(&v.to_be_bytes());
                Word(w)
            }),
            any::<[u8; 32]>().prop_map(Word),
        ]
    }

    fn status() -> impl Strategy<Value = Status> {
        prop_oneof![
            Just(Status::Continue),
            Just(Status::Success),
            Just(Status::Revert),
            Just(Status::Halt)
        ]
    }

    fn kind() -> impl Strategy<Value = StorageKind> {
        prop_oneof![
            Just(StorageKind::Load),
            Just(StorageKind::Store),
            Just(StorageKind::TransientLoad),
            Just(StorageKind::TransientStore)
        ]
    }

    prop_compose! {
        fn row()(clk in any::<u32>(), pc in any::<u32>(), op in any::<u8>(), depth in any::<u16>(),
                 gas in any::<u64>(), gas_cost in any::<u64>(), sp in any::<u16>(),
                 ops in proptest::collection::vec(word(), 0..=MAX_OPERANDS),
                 result in proptest::option::of(word()),
                 memory in proptest::option::of((any::<bool>(), any::<u32>(), 1..=u32::MAX)),
                 storage in proptest::option::of((kind(), any::<[u8; 20]>(), word(), word())),
                 status in status()) -> Row {
            let mut operands = heapless::Vec::new();
            for w in ops { let _ = operands.push(w); }
            Row { clk, pc, op, depth, gas, gas_cost, sp, operands, result,
                  memory: memory.map(|(write, offset, len)| MemAccess { write, offset, len }),
                  storage: storage.map(|(kind, address, key, value)| StorageAccess { kind, address, key, value }),
                  status }
        }
    }

    proptest! {
        #[test]
        fn round_trip(r in row(), tail in proptest::collection::vec(any::<u8>(), 0..8)) {
            let mut buf = [0u8; MAX_ROW_BYTES];
            let enc = encode_row(&r, &mut buf).unwrap().to_vec();
            prop_assert!(enc.len() <= MAX_ROW_BYTES);
            let mut input = enc.clone();
            input.extend_from_slice(&tail);
            let (back, rest) = decode_row(&input).unwrap();
            prop_assert_eq!(&back, &r);
            prop_assert_eq!(rest, &tail[..]);
        }

        #[test]
        fn junk_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            for row in RowReader::new(&bytes).flatten() {
                // Whatever decodes re-encodes.
                let mut buf = [0u8; MAX_ROW_BYTES];
                prop_assert!(encode_row(&row, &mut buf).is_ok());
            }
        }

        #[test]
        fn every_truncation_is_an_error(r in row()) {
            let mut buf = [0u8; MAX_ROW_BYTES];
            let enc = encode_row(&r, &mut buf).unwrap().to_vec();
            for cut in 0..enc.len() {
                prop_assert!(decode_row(&enc[..cut]).is_err());
            }
        }
    }

    #[test]
    fn largest_row_fits_the_bound() {
        let mut operands = heapless::Vec::new();
        for _ in 0..MAX_OPERANDS {
            operands.push(Word([0xff; 32])).unwrap();
        }
        let r = Row {
            clk: u32::MAX,
            pc: u32::MAX,
            op: 0xff,
            depth: u16::MAX,
            gas: u64::MAX,
            gas_cost: u64::MAX,
            sp: u16::MAX,
            operands,
            result: Some(Word([0xff; 32])),
            memory: Some(MemAccess {
                write: true,
                offset: u32::MAX,
                len: u32::MAX,
            }),
            storage: Some(StorageAccess {
                kind: StorageKind::TransientStore,
                address: [0xff; 20],
                key: Word([0xff; 32]),
                value: Word([0xff; 32]),
            }),
            status: Status::Halt,
        };
        let mut buf = [0u8; MAX_ROW_BYTES];
        let n = encode_row(&r, &mut buf).unwrap().len();
        assert!(n <= MAX_ROW_BYTES, "{n}");
    }

    #[test]
    fn typed_errors() {
        // A word with a leading zero byte: op row with one operand [0x00, 0x01].
        let mut buf = [0u8; MAX_ROW_BYTES];
        let mut operands = heapless::Vec::new();
        operands.push(Word::ZERO).unwrap();
        let r = Row {
            operands,
            ..Row::default()
        };
        let enc = encode_row(&r, &mut buf).unwrap().to_vec();
        // clk pc op depth gas gas_cost sp | n=1 | len=0 | ...
        assert_eq!(&enc[..9], &[0, 0, 0, 0, 0, 0, 0, 1, 0]);
        let mut bad = enc.clone();
        bad[8] = 2;
        bad.splice(9..9, [0u8, 1]);
        assert_eq!(decode_row(&bad), Err(Error::Malformed));
        // A non-minimal varint for clk (0x80 0x00) decodes to 0 but is not canonical.
        let mut long = vec![0x80, 0x00];
        long.extend_from_slice(&enc[1..]);
        assert_eq!(decode_row(&long), Err(Error::NonCanonical));
        assert_eq!(decode_row(&enc[..3]), Err(Error::Truncated));
        // A second row with clock 0 again.
        let mut two = enc.clone();
        two.extend_from_slice(&enc);
        let got: Vec<_> = RowReader::new(&two).collect();
        assert_eq!(
            got[1],
            Err(Error::ClockMismatch {
                got: 0,
                expected: 1
            })
        );
    }
}
