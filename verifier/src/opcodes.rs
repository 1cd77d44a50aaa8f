//! The constrained opcodes: each maps to an operation class the AIR checks.

/// An operation class: one selector column of the AIR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Class {
    /// STOP (also the implicit STOP past the end of the code).
    Stop = 0,
    /// ADD.
    Add = 1,
    /// SUB.
    Sub = 2,
    /// LT.
    Lt = 3,
    /// GT.
    Gt = 4,
    /// EQ.
    Eq = 5,
    /// ISZERO.
    IsZero = 6,
    /// POP.
    Pop = 7,
    /// JUMP.
    Jump = 8,
    /// JUMPI.
    Jumpi = 9,
    /// JUMPDEST.
    Jumpdest = 10,
    /// GAS.
    Gas = 11,
    /// A constant of the call pushed for 2 gas, its value in the bytecode
    /// table: PC, PUSH0, ADDRESS, ORIGIN, CALLER, CALLVALUE, CALLDATASIZE,
    /// CODESIZE, RETURNDATASIZE.
    Env = 12,
    /// PUSH1–PUSH32.
    Push = 13,
    /// DUP1–DUP16.
    Dup = 14,
    /// SWAP1–SWAP16.
    Swap = 15,
    /// NOT.
    Not = 16,
    /// CALLDATALOAD (its word from the calldata table).
    CallDataLoad = 17,
    /// MLOAD at a 32-byte-aligned offset (its word from the memory bus).
    MLoad = 18,
    /// MSTORE at a 32-byte-aligned offset.
    MStore = 19,
    /// MSIZE.
    MSize = 20,
    /// RETURN of 0 bytes, or of the 32-byte word at an aligned offset.
    Return = 21,
    /// REVERT, likewise.
    Revert = 22,
    /// AND, OR, XOR (`n` = 1, 2, 3): byte by byte from the bitwise table.
    Bitwise = 23,
    /// BYTE: byte `A` (big-endian) of `B`, by a one-hot selection over B's 32 bytes.
    Byte = 24,
    /// SLT: LT's subtraction and the sign bits of both operands.
    Slt = 25,
    /// SGT: GT's subtraction and the sign bits of both operands.
    Sgt = 26,
    /// SHL: the bytes of B shifted by `r` bits through the shift table, then
    /// by `q` bytes by a one-hot selection (`A = 8q + r`, or `A ≥ 256`).
    Shl = 27,
    /// SHR, likewise to the right.
    Shr = 28,
    /// SAR: SHR filling with the sign byte of B.
    Sar = 29,
}

/// All classes in selector order.
pub const CLASSES: [Class; crate::cols::NUM_CLASSES] = [
    Class::Stop,
    Class::Add,
    Class::Sub,
    Class::Lt,
    Class::Gt,
    Class::Eq,
    Class::IsZero,
    Class::Pop,
    Class::Jump,
    Class::Jumpi,
    Class::Jumpdest,
    Class::Gas,
    Class::Env,
    Class::Push,
    Class::Dup,
    Class::Swap,
    Class::Not,
    Class::CallDataLoad,
    Class::MLoad,
    Class::MStore,
    Class::MSize,
    Class::Return,
    Class::Revert,
    Class::Bitwise,
    Class::Byte,
    Class::Slt,
    Class::Sgt,
    Class::Shl,
    Class::Shr,
    Class::Sar,
];

impl Class {
    /// Selector index (column `SEL + index`).
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The value this class contributes to a bytecode-bus tuple (never 0: 0
    /// marks an opcode the AIR does not constrain).
    pub const fn id(self) -> u64 {
        self as u64 + 1
    }

    /// Whether the class ends the execution.
    pub const fn terminal(self) -> bool {
        matches!(self, Class::Stop | Class::Return | Class::Revert)
    }

    /// Static gas cost (memory expansion comes on top).
    pub const fn gas(self) -> u64 {
        match self {
            Class::Stop | Class::Return | Class::Revert => 0,
            Class::Jumpdest => 1,
            Class::Pop | Class::Gas | Class::Env | Class::MSize => 2,
            Class::Add
            | Class::Sub
            | Class::Lt
            | Class::Gt
            | Class::Eq
            | Class::IsZero
            | Class::Push
            | Class::Dup
            | Class::Swap
            | Class::Not
            | Class::CallDataLoad
            | Class::MLoad
            | Class::MStore
            | Class::Bitwise
            | Class::Byte
            | Class::Slt
            | Class::Sgt
            | Class::Shl
            | Class::Shr
            | Class::Sar => 3,
            Class::Jump => 8,
            Class::Jumpi => 10,
        }
    }
}

/// Bitwise operation `n` of AND.
pub const BITWISE_AND: u8 = 1;
/// Bitwise operation `n` of OR.
pub const BITWISE_OR: u8 = 2;
/// Bitwise operation `n` of XOR.
pub const BITWISE_XOR: u8 = 3;

/// Table operation of SHL's bytes shifted left by `r` bits: `SHIFT_LEFT + r`
/// maps `(a, b)` (a byte and the one below it) to `(a << r | b >> (8 − r)) & 0xff`.
pub const SHIFT_LEFT: u8 = 8;
/// Table operation of SHR's and SAR's bytes shifted right by `r` bits:
/// `SHIFT_RIGHT + r` maps `(a, b)` (a byte and the one above it) to
/// `(a >> r | b << (8 − r)) & 0xff`.
pub const SHIFT_RIGHT: u8 = 16;

/// The byte `op(a, b)` of table operation `op` (AND 1, OR 2, XOR 3, a left
/// shift by `r` bits `8 + r`, a right shift `16 + r`, `r` in 0..=7), or
/// `None` for any other `op`.
pub const fn bitwise(op: u8, a: u8, b: u8) -> Option<u8> {
    let (a16, b16) = (a as u16, b as u16);
    match op {
        BITWISE_AND => Some(a & b),
        BITWISE_OR => Some(a | b),
        BITWISE_XOR => Some(a ^ b),
        8..=15 => {
            let r = op - SHIFT_LEFT;
            Some(((a16 << r | b16 >> (8 - r)) & 0xff) as u8)
        }
        16..=23 => {
            let r = op - SHIFT_RIGHT;
            Some(((a16 >> r | b16 << (8 - r)) & 0xff) as u8)
        }
        _ => None,
    }
}

/// What the AIR knows of one opcode: its class and parameter `n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpInfo {
    /// Operation class.
    pub class: Class,
    /// PUSH length, DUP/SWAP depth, the bitwise operation, else 0.
    pub n: u8,
}

/// The class of `op`, or `None` when the AIR does not constrain it.
pub const fn info(op: u8) -> Option<OpInfo> {
    let (class, n) = match op {
        0x00 => (Class::Stop, 0),
        0x01 => (Class::Add, 0),
        0x03 => (Class::Sub, 0),
        0x10 => (Class::Lt, 0),
        0x11 => (Class::Gt, 0),
        0x12 => (Class::Slt, 0),
        0x13 => (Class::Sgt, 0),
        0x14 => (Class::Eq, 0),
        0x15 => (Class::IsZero, 0),
        0x16 => (Class::Bitwise, BITWISE_AND),
        0x17 => (Class::Bitwise, BITWISE_OR),
        0x18 => (Class::Bitwise, BITWISE_XOR),
        0x19 => (Class::Not, 0),
        0x1a => (Class::Byte, 0),
        0x1b => (Class::Shl, 0),
        0x1c => (Class::Shr, 0),
        0x1d => (Class::Sar, 0),
        0x35 => (Class::CallDataLoad, 0),
        0x50 => (Class::Pop, 0),
        0x51 => (Class::MLoad, 0),
        0x52 => (Class::MStore, 0),
        0x59 => (Class::MSize, 0),
        0xf3 => (Class::Return, 0),
        0xfd => (Class::Revert, 0),
        0x56 => (Class::Jump, 0),
        0x57 => (Class::Jumpi, 0),
        0x5b => (Class::Jumpdest, 0),
        0x5a => (Class::Gas, 0),
        0x30 | 0x32 | 0x33 | 0x34 | 0x36 | 0x38 | 0x3d | 0x58 | 0x5f => (Class::Env, 0),
        0x60..=0x7f => (Class::Push, op - 0x5f),
        0x80..=0x8f => (Class::Dup, op - 0x7f),
        0x90..=0x9f => (Class::Swap, op - 0x8f),
        _ => return None,
    };
    Some(OpInfo { class, n })
}

/// Mnemonic of a constrained opcode (for `zkevm prove --coverage`).
pub fn mnemonic(op: u8) -> Option<&'static str> {
    const NAMES: [(u8, &str); 37] = [
        (0x00, "STOP"),
        (0x01, "ADD"),
        (0x03, "SUB"),
        (0x10, "LT"),
        (0x11, "GT"),
        (0x12, "SLT"),
        (0x13, "SGT"),
        (0x14, "EQ"),
        (0x15, "ISZERO"),
        (0x16, "AND"),
        (0x17, "OR"),
        (0x18, "XOR"),
        (0x19, "NOT"),
        (0x1a, "BYTE"),
        (0x1b, "SHL"),
        (0x1c, "SHR"),
        (0x1d, "SAR"),
        (0x30, "ADDRESS"),
        (0x32, "ORIGIN"),
        (0x33, "CALLER"),
        (0x34, "CALLVALUE"),
        (0x35, "CALLDATALOAD"),
        (0x36, "CALLDATASIZE"),
        (0x38, "CODESIZE"),
        (0x3d, "RETURNDATASIZE"),
        (0x50, "POP"),
        (0x51, "MLOAD"),
        (0x52, "MSTORE"),
        (0x59, "MSIZE"),
        (0xf3, "RETURN"),
        (0xfd, "REVERT"),
        (0x56, "JUMP"),
        (0x57, "JUMPI"),
        (0x58, "PC"),
        (0x5a, "GAS"),
        (0x5b, "JUMPDEST"),
        (0x5f, "PUSH0"),
    ];
    if let Some((_, name)) = NAMES.iter().find(|(o, _)| *o == op) {
        return Some(name);
    }
    const PUSH: [&str; 32] = [
        "PUSH1", "PUSH2", "PUSH3", "PUSH4", "PUSH5", "PUSH6", "PUSH7", "PUSH8", "PUSH9", "PUSH10",
        "PUSH11", "PUSH12", "PUSH13", "PUSH14", "PUSH15", "PUSH16", "PUSH17", "PUSH18", "PUSH19",
        "PUSH20", "PUSH21", "PUSH22", "PUSH23", "PUSH24", "PUSH25", "PUSH26", "PUSH27", "PUSH28",
        "PUSH29", "PUSH30", "PUSH31", "PUSH32",
    ];
    const DUP: [&str; 16] = [
        "DUP1", "DUP2", "DUP3", "DUP4", "DUP5", "DUP6", "DUP7", "DUP8", "DUP9", "DUP10", "DUP11",
        "DUP12", "DUP13", "DUP14", "DUP15", "DUP16",
    ];
    const SWAP: [&str; 16] = [
        "SWAP1", "SWAP2", "SWAP3", "SWAP4", "SWAP5", "SWAP6", "SWAP7", "SWAP8", "SWAP9", "SWAP10",
        "SWAP11", "SWAP12", "SWAP13", "SWAP14", "SWAP15", "SWAP16",
    ];
    match op {
        0x60..=0x7f => PUSH.get(usize::from(op - 0x60)).copied(),
        0x80..=0x8f => DUP.get(usize::from(op - 0x80)).copied(),
        0x90..=0x9f => SWAP.get(usize::from(op - 0x90)).copied(),
        _ => None,
    }
}

/// Number of constrained opcodes.
pub fn constrained_count() -> usize {
    (0..=255u8).filter(|op| info(*op).is_some()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_constrained_opcode_has_a_name_and_back() {
        for op in 0..=255u8 {
            assert_eq!(
                info(op).is_some(),
                mnemonic(op).is_some(),
                "opcode {op:#04x}"
            );
        }
        assert_eq!(constrained_count(), 37 + 32 + 16 + 16);
    }

    #[test]
    fn shift_entries_shift_two_bytes() {
        for r in 0..8u8 {
            for (a, b) in [(0u8, 0u8), (0x81, 0x7f), (0xff, 0x01), (0x5a, 0xc3)] {
                // SHL: byte a above byte b, shifted left, the high byte kept
                let w = (u16::from(a) << 8 | u16::from(b)) << r;
                assert_eq!(bitwise(SHIFT_LEFT + r, a, b), Some((w >> 8) as u8));
                // SHR: byte b above byte a, shifted right, the low byte kept
                let w = (u16::from(b) << 8 | u16::from(a)) >> r;
                assert_eq!(bitwise(SHIFT_RIGHT + r, a, b), Some(w as u8));
            }
        }
        for op in [0, 4, 7, 24, 255] {
            assert_eq!(bitwise(op, 1, 2), None, "op {op}");
        }
    }

    #[test]
    fn class_ids_are_distinct_and_nonzero() {
        for (i, c) in CLASSES.iter().enumerate() {
            assert_eq!(c.index(), i);
            assert_ne!(c.id(), 0);
        }
    }
}
