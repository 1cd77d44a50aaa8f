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
pub const NUM_CLASSES: usize = 30;
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
/// Carries of the adder, one per limb; on AND/OR/XOR rows the high bytes
/// of the limbs of B instead; on BYTE rows the one-hot selectors of the low
/// bytes of B's limbs; on SHL/SHR/SAR rows the high bytes of B's limbs.
pub const CARRY: usize = R_HI + LIMBS;
/// Memory size in 32-byte words before the row (`MSIZE / 32`).
pub const MEMW: usize = CARRY + LIMBS;
/// Three bytes of `MEMW` (range check: `MEMW < 2^24`).
pub const MEMW_BYTES: usize = MEMW + 1;
/// `⌊MEMW² / 512⌋`, the quadratic part of the memory cost.
pub const MQ: usize = MEMW_BYTES + 3;
/// `MEMW² mod 512`: a range-checked low byte, then a boolean high bit.
pub const MR: usize = MQ + 1;
/// 1 when the memory access of the row expands the memory.
pub const EXP: usize = MR + 2;
/// Three bytes of the expansion test: `k − MEMW` when expanding, else `MEMW − k − 1`.
pub const EXP_BYTES: usize = EXP + 1;
/// Word index `k` of the row's memory access (byte offset `32·k`).
pub const WIDX: usize = EXP_BYTES + 3;
/// 1 on the padding rows that consume the final memory tokens.
pub const FINM: usize = WIDX + 1;
/// Word index of the next final memory row (counts the `FINM` rows before).
pub const MK: usize = FINM + 1;
/// Three bytes of `clk − t_prev` of the memory consume.
pub const DELTA_M: usize = MK + 1;
/// Two range-checked spare bytes (zero; they round the byte lookups up to a helper).
pub const SPARE: usize = DELTA_M + 3;
/// 1 when the row accesses a memory word (MLOAD, MSTORE, RETURN/REVERT of 32 bytes).
pub const MEMOP: usize = SPARE + 2;
/// RETURN/REVERT: 1 when the size is 32, 0 when it is 0.
pub const RSZ: usize = MEMOP + 1;
/// Exit status (1 success, 2 revert), the same on every row.
pub const STATUS: usize = RSZ + 1;
/// AND/OR/XOR: high bytes of the limbs of A; BYTE: the one-hot selectors
/// of the high bytes of B's limbs; SLT/SGT: the sign bits of A and B
/// (columns `A_HI`, `A_HI + 1`); free on other rows.
pub const A_HI: usize = STATUS + 1;
/// SHL/SHR/SAR: the one-hot `u_a` of `q / 4` (8 columns from `A_HI`).
pub const SHIFT_U: usize = A_HI;
/// SHL/SHR/SAR: the one-hot `v_b` of `q % 4` (4 columns).
pub const SHIFT_V: usize = A_HI + 8;
/// SHL/SHR/SAR: the three bits of `r` (the shift modulo 8).
pub const SHIFT_R: usize = A_HI + 12;
/// SAR: the sign bit of B.
pub const SHIFT_SIGN: usize = A_HI + 15;
/// Main trace width.
pub const WIDTH: usize = A_HI + LIMBS;
