//! Column layout of the main trace: one CPU row per executed instruction.

/// Limbs per 256-bit word (16 bits each, least significant first).
pub const LIMBS: usize = 16;

/// Clock (row index).
pub const CLK: usize = 0;
/// 1 on rows that execute an instruction, 0 on padding.
pub const ACTIVE: usize = 1;
/// 1 on the padding rows that consume the final stack tokens.
pub const FIN: usize = 2;
/// Program counter.
pub const PC: usize = 3;
/// Next pc of the instruction (from the bytecode table).
pub const NPC: usize = 4;
/// Stack pointer (number of words on the stack).
pub const SP: usize = 5;
/// Instruction parameter from the bytecode table (push length, DUP/SWAP n).
pub const N: usize = 6;
/// Gas left before the instruction.
pub const GAS: usize = 7;
/// Four bytes of `GAS`, least significant first (range checks: gas ≥ 0).
pub const GAS_BYTES: usize = 8;
/// Two bytes of `1024 − sp` (range check: sp ≤ 1024).
pub const SP_ROOM: usize = 12;
/// Zero-test witness: inverse of the tested sum of squares.
pub const INV: usize = 14;
/// Zero-test flag: 1 when the tested word is zero.
pub const ZF: usize = 15;
/// First selector column (one per operation class, see [`crate::opcodes::Class`]).
pub const SEL: usize = 16;
/// Number of operation classes.
pub const NUM_CLASSES: usize = 18;
/// Three bytes per consume slot of `clk − t_prev − 1` (2 slots).
pub const DELTA: usize = SEL + NUM_CLASSES;
/// Word A: the top stack input.
pub const A: usize = DELTA + 6;
/// Word B: the second stack input.
pub const B: usize = A + LIMBS;
/// Word C: the result.
pub const C: usize = B + LIMBS;
/// Word R: the range-checked word of the adder (sum, difference, gas).
pub const R: usize = C + LIMBS;
/// High bytes of the limbs of R.
pub const R_HI: usize = R + LIMBS;
/// Carries of the adder, one per limb.
pub const CARRY: usize = R_HI + LIMBS;
/// Main trace width.
pub const WIDTH: usize = CARRY + LIMBS;
