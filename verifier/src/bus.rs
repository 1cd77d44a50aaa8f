//! LogUp buses: tuple fingerprints and the fractions each row adds to the running sum.
//!
//! A bus message is a tuple `(tag, x₁, …, x_k)`; its denominator is
//! `α + tag + Σ γ^i·x_i` with `α, γ` drawn after the main trace is committed.
//! A row adds `Σ num/den` over its messages; a table the verifier builds
//! itself (bytecode, byte range) enters as the expected final value of the
//! running sum. This layer is all the AIR knows of LogUp, so a backend with
//! native multi-table LogUp can take the same messages.

use winter_math::{ExtensionOf, FieldElement};

use crate::cols::{self, LIMBS};
use crate::opcodes::Class;

/// Bus tag: bytecode table (pc, class, n, next pc, immediate).
pub const TAG_CODE: u32 = 1;
/// Bus tag: stack tokens (address, timestamp, value).
pub const TAG_STACK: u32 = 2;
/// Bus tag: one byte in 0..=255, `(v)`; or a byte of an AND/OR/XOR or of
/// a shift by `r` bits, `(op(a, b), a, b, op)` (`opcodes::bitwise`). A range check is the entry `(v, 0, 0, 0)`.
pub const TAG_BYTE: u32 = 3;
/// Bus tag: calldata word (offset, word).
pub const TAG_CALLDATA: u32 = 4;

/// Bus tag: memory words (word index, timestamp, value).
pub const TAG_MEMORY: u32 = 5;

/// Bus tag: the returned word (RETURN/REVERT of 32 bytes).
pub const TAG_RETURN: u32 = 6;

/// Largest tuple (bytecode: pc, class, n, next pc, 16 limbs).
pub const MAX_TUPLE: usize = 4 + LIMBS;

/// Stack fractions per row: two consumes and two emits.
pub const STACK_FRACS: usize = 4;
/// Stack fractions per auxiliary helper column.
pub const STACK_PER_HELPER: usize = 2;
/// Byte range checks per row (gas 4, sp room 2, deltas 6, R 32, memory
/// size 3, its cost remainder 1, expansion test 3, memory delta 3, spare 2).
pub const BYTE_FRACS: usize = 56;
/// Byte range checks per auxiliary helper column.
pub const BYTES_PER_HELPER: usize = 4;
/// Auxiliary helper columns for the stack.
pub const STACK_HELPERS: usize = STACK_FRACS / STACK_PER_HELPER;
/// Auxiliary helper columns for byte range checks.
pub const BYTE_HELPERS: usize = BYTE_FRACS / BYTES_PER_HELPER;
/// Memory fractions per row: one consume and one emit (one helper column).
pub const MEM_FRACS: usize = 2;
/// Auxiliary width: running sum, then the stack, byte and memory helpers.
pub const AUX_WIDTH: usize = 1 + STACK_HELPERS + BYTE_HELPERS + 1;
/// Auxiliary column of the memory helper.
pub const MEM_HELPER: usize = 1 + STACK_HELPERS + BYTE_HELPERS;

/// Where the value of byte lookup `k` of a row comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteSrc {
    /// A byte column.
    Col(usize),
    /// The low byte of limb `i` of R: `R_i − 256·R_HI_i`.
    RLo(usize),
}

/// The source of byte lookup `k` (`k < BYTE_FRACS`), shared by the AIR and the prover.
pub const fn byte_src(k: usize) -> ByteSrc {
    match k {
        0..=3 => ByteSrc::Col(cols::GAS_BYTES + k),
        4..=5 => ByteSrc::Col(cols::SP_ROOM + k - 4),
        6..=11 => ByteSrc::Col(cols::DELTA + k - 6),
        12..=27 => ByteSrc::Col(cols::R_HI + k - 12),
        28..=43 => ByteSrc::RLo(k - 28),
        44..=46 => ByteSrc::Col(cols::MEMW_BYTES + k - 44),
        47 => ByteSrc::Col(cols::MR),
        48..=50 => ByteSrc::Col(cols::EXP_BYTES + k - 48),
        51..=53 => ByteSrc::Col(cols::DELTA_M + k - 51),
        _ => ByteSrc::Col(cols::SPARE + (k - 54) % 2),
    }
}
/// The bitwise operands of byte lookup `k`: the lookups of R's bytes
/// (`12..=43`) carry, on an AND/OR/XOR row, the same byte of A and of B
/// (limb `i`, the high byte or the low one).
pub const fn bitwise_src(k: usize) -> Option<(usize, bool)> {
    match k {
        12..=27 => Some((k - 12, true)),
        28..=43 => Some((k - 28, false)),
        _ => None,
    }
}

/// Declared degree of byte helper `j`: 5, or 9 when its lookups carry the
/// bitwise or shift operands (their denominators are quadratic: gated by the selector).
pub const fn byte_helper_degree(j: usize) -> usize {
    let mut k = j * BYTES_PER_HELPER;
    while k < (j + 1) * BYTES_PER_HELPER {
        if bitwise_src(k).is_some() {
            return 1 + 2 * BYTES_PER_HELPER;
        }
        k += 1;
    }
    1 + BYTES_PER_HELPER
}

/// Random elements of the auxiliary segment: α, γ.
pub const AUX_RANDS: usize = 2;

/// The random challenges of the buses and the powers of γ.
#[derive(Debug, Clone)]
pub struct Challenges<E> {
    alpha: E,
    gamma: [E; MAX_TUPLE],
}

impl<E: FieldElement> Challenges<E> {
    /// From the two drawn elements `α, γ` (missing ones read as zero).
    pub fn new(rands: &[E]) -> Self {
        let alpha = rands.first().copied().unwrap_or(E::ZERO);
        let g = rands.get(1).copied().unwrap_or(E::ZERO);
        let mut gamma = [E::ONE; MAX_TUPLE];
        let mut p = E::ONE;
        for x in gamma.iter_mut() {
            p *= g;
            *x = p;
        }
        Self { alpha, gamma }
    }

    /// Denominator of the message `(tag, items…)` with items in a subfield.
    pub fn den<F>(&self, tag: u32, items: impl IntoIterator<Item = F>) -> E
    where
        F: FieldElement<BaseField = E::BaseField>,
        E: ExtensionOf<F>,
    {
        let mut acc = self.alpha + E::from(tag);
        for (x, g) in items.into_iter().zip(self.gamma.iter()) {
            acc += g.mul_base(x);
        }
        acc
    }
}

/// One LogUp term `num / den`.
#[derive(Debug, Clone, Copy)]
pub struct Frac<E> {
    /// Multiplicity (signed: +1 consume/lookup, −1 emit).
    pub num: E,
    /// Message denominator.
    pub den: E,
}

/// All the messages one row sends (row `cur`, next row `nxt`).
#[derive(Debug, Clone)]
pub struct RowFracs<E> {
    /// The bytecode lookup.
    pub code: Frac<E>,
    /// The calldata lookup (CALLDATALOAD rows).
    pub calldata: Frac<E>,
    /// Stack consumes and emits.
    pub stack: [Frac<E>; STACK_FRACS],
    /// Byte range checks.
    pub bytes: [Frac<E>; BYTE_FRACS],
    /// Memory consume and emit.
    pub memory: [Frac<E>; MEM_FRACS],
    /// The returned-word lookup (RETURN/REVERT of 32 bytes).
    pub ret: Frac<E>,
}

fn sel<F: Copy>(row: &[F], c: Class) -> F {
    row[cols::SEL + c.index()]
}

fn word<F: Copy>(row: &[F], at: usize) -> [F; LIMBS] {
    core::array::from_fn(|i| row[at + i])
}

/// The messages of a main-trace row (`row` holds at least [`cols::WIDTH`] values).
pub fn row_fracs<F, E>(row: &[F], ch: &Challenges<E>) -> RowFracs<E>
where
    F: FieldElement<BaseField = E::BaseField>,
    E: FieldElement + ExtensionOf<F>,
{
    let one = F::ONE;
    let s = |c| sel(row, c);
    let (sp, n, clk) = (row[cols::SP], row[cols::N], row[cols::CLK]);
    let bw = s(Class::Bitwise);
    let bin = s(Class::Add)
        + s(Class::Sub)
        + s(Class::Lt)
        + s(Class::Gt)
        + s(Class::Eq)
        + bw
        + s(Class::Byte)
        + s(Class::Slt)
        + s(Class::Sgt)
        + s(Class::Shl)
        + s(Class::Shr)
        + s(Class::Sar);
    let isz = s(Class::IsZero);
    let not = s(Class::Not);
    let cdl = s(Class::CallDataLoad);
    let (dup, swap) = (s(Class::Dup), s(Class::Swap));
    let pushes = s(Class::Push) + s(Class::Env) + s(Class::Gas) + s(Class::MSize);
    let imm_sel = s(Class::Push) + s(Class::Env);
    let (a, b, c) = (word(row, cols::A), word(row, cols::B), word(row, cols::C));

    // bytecode: (pc, class id, n, next pc, immediate)
    let mut class_id = F::ZERO;
    for cl in crate::opcodes::CLASSES {
        class_id += s(cl) * F::from(cl.id() as u32);
    }
    let head = [row[cols::PC], class_id, n, row[cols::NPC]];
    let code = Frac {
        num: E::from(row[cols::ACTIVE]),
        den: ch.den(
            TAG_CODE,
            head.into_iter().chain(c.iter().map(|x| *x * imm_sel)),
        ),
    };

    // calldata: (offset, word)
    let calldata = Frac {
        num: E::from(cdl),
        den: ch.den(TAG_CALLDATA, core::iter::once(a[0]).chain(c)),
    };

    // stack tokens: (address, timestamp, value)
    let delta = |k: usize| {
        let d = cols::DELTA + 3 * k;
        row[d] + row[d + 1] * F::from(256u32) + row[d + 2] * F::from(65536u32)
    };
    let tok = |addr: F, t: F, v: [F; LIMBS]| ch.den(TAG_STACK, [addr, t].into_iter().chain(v));
    let c0_flag = bin
        + isz
        + not
        + cdl
        + s(Class::Pop)
        + s(Class::Jump)
        + s(Class::Jumpi)
        + s(Class::MLoad)
        + s(Class::MStore)
        + s(Class::Return)
        + s(Class::Revert)
        + dup
        + swap
        + row[cols::FIN];
    let c0_addr = sp - one + dup * (one - n);
    let c1_flag =
        bin + s(Class::Jumpi) + s(Class::MStore) + s(Class::Return) + s(Class::Revert) + swap;
    let c1_addr = sp - one - one + swap * (one - n);
    let rmw = isz + not + cdl + s(Class::MLoad);
    let e0_flag = bin + rmw + pushes + dup + swap;
    let e0_addr = sp - bin - bin - rmw - n * dup - swap;
    let e0_val: [F; LIMBS] =
        core::array::from_fn(|i| (bin + rmw + pushes) * c[i] + dup * a[i] + swap * b[i]);
    let e1_flag = dup + swap;
    let e1_addr = dup * sp + swap * (sp - one - n);
    let stack = [
        Frac {
            num: E::from(c0_flag),
            den: tok(c0_addr, clk - one - delta(0), a),
        },
        Frac {
            num: E::from(c1_flag),
            den: tok(c1_addr, clk - one - delta(1), b),
        },
        Frac {
            num: -E::from(e0_flag),
            den: tok(e0_addr, clk, e0_val),
        },
        Frac {
            num: -E::from(e1_flag),
            den: tok(e1_addr, clk, a),
        },
    ];

    // byte range checks
    let byte_vals: [F; BYTE_FRACS] = core::array::from_fn(|k| match byte_src(k) {
        ByteSrc::Col(at) => row[at],
        ByteSrc::RLo(i) => row[cols::R + i] - row[cols::R_HI + i] * F::from(256u32),
    });
    // on AND/OR/XOR rows R's bytes are looked up with the bytes of A and B;
    // on SHL/SHR/SAR rows with B's byte, its neighbour below (SHL) or above
    // (SHR/SAR; above the top: 0, or SAR's sign byte) and the shift `r`
    let k256 = F::from(256u32);
    let a_byte = |p: usize| {
        let (i, ah) = (p / 2, row[cols::A_HI + p / 2]);
        if p % 2 == 1 {
            ah
        } else {
            a[i] - ah * k256
        }
    };
    let b_byte = |p: usize| {
        let (i, bh) = (p / 2, row[cols::CARRY + p / 2]);
        if p % 2 == 1 {
            bh
        } else {
            b[i] - bh * k256
        }
    };
    let (shl, sar) = (s(Class::Shl), s(Class::Sar));
    let shr = s(Class::Shr) + sar;
    let sh = shl + shr;
    let r_bits = row[cols::SHIFT_R]
        + row[cols::SHIFT_R + 1] * F::from(2u32)
        + row[cols::SHIFT_R + 2] * F::from(4u32);
    let op = bw * n
        + shl * (F::from(u32::from(crate::opcodes::SHIFT_LEFT)) + r_bits)
        + shr * (F::from(u32::from(crate::opcodes::SHIFT_RIGHT)) + r_bits);
    let bytes = core::array::from_fn(|k| {
        let v = byte_vals[k];
        let den = match bitwise_src(k) {
            Some((i, hi)) => {
                let p = 2 * i + usize::from(hi);
                let below = if p > 0 { shl * b_byte(p - 1) } else { F::ZERO };
                let above = if p < 31 {
                    shr * b_byte(p + 1)
                } else {
                    sar * row[cols::SHIFT_SIGN] * F::from(255u32)
                };
                let x = bw * a_byte(p) + sh * b_byte(p);
                let y = bw * b_byte(p) + below + above;
                ch.den(TAG_BYTE, [v, x, y, op])
            }
            None => ch.den(TAG_BYTE, [v]),
        };
        Frac { num: E::ONE, den }
    });

    // memory words: an access consumes the word's last token (stamped
    // `clk − δ`) and emits its new value stamped `clk + 1`; a final row
    // consumes word `MK`.
    let (mload, mstore) = (s(Class::MLoad), s(Class::MStore));
    let finm = row[cols::FINM];
    let mem = row[cols::MEMOP];
    // the word read and re-emitted unchanged: MLOAD's C, RETURN/REVERT's C
    let reads = mem - mstore;
    let dm = row[cols::DELTA_M]
        + row[cols::DELTA_M + 1] * F::from(256u32)
        + row[cols::DELTA_M + 2] * F::from(65536u32);
    let r = word(row, cols::R);
    let old: [F; LIMBS] = core::array::from_fn(|i| reads * c[i] + mstore * r[i] + finm * a[i]);
    let new: [F; LIMBS] = core::array::from_fn(|i| reads * c[i] + mstore * b[i]);
    let mtok = |addr: F, t: F, v: [F; LIMBS]| ch.den(TAG_MEMORY, [addr, t].into_iter().chain(v));
    let widx = row[cols::WIDX];
    let memory = [
        Frac {
            num: E::from(mem + finm),
            den: mtok(mem * widx + finm * row[cols::MK], clk - dm, old),
        },
        Frac {
            num: -E::from(mem),
            den: mtok(widx, clk + one, new),
        },
    ];
    let ret = Frac {
        num: E::from(mem - mload - mstore),
        den: ch.den(TAG_RETURN, c),
    };
    RowFracs {
        code,
        calldata,
        stack,
        bytes,
        memory,
        ret,
    }
}

/// `Σ num/den` of a group, as the value its helper column holds.
pub fn group_sum<E: FieldElement>(fracs: &[Frac<E>]) -> Option<E> {
    let mut acc = E::ZERO;
    for f in fracs {
        if f.den == E::ZERO {
            return None;
        }
        acc += f.num / f.den;
    }
    Some(acc)
}

/// The helper constraint of a group: `h·Π den − Σ num_i·Π_{j≠i} den_j`.
pub fn group_constraint<E: FieldElement>(h: E, fracs: &[Frac<E>]) -> E {
    let mut prod = E::ONE;
    for f in fracs {
        prod *= f.den;
    }
    let mut rhs = E::ZERO;
    for (i, f) in fracs.iter().enumerate() {
        let mut t = f.num;
        for (j, g) in fracs.iter().enumerate() {
            if i != j {
                t *= g.den;
            }
        }
        rhs += t;
    }
    h * prod - rhs
}
