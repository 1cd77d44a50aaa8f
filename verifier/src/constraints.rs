//! The transition constraints of the CPU rows, written once for every field and sink.
//!
//! [`main`] and [`aux`] push each constraint with its declared degree and a
//! label into a [`Sink`]: the AIR collects the values, [`crate::air`]'s
//! degree list runs them on a zero row, and the trace checker names the
//! first constraint a row breaks.

use winter_math::{ExtensionOf, FieldElement};

use crate::bus::{self, Challenges};
use crate::cols::{self, LIMBS};
use crate::opcodes::{Class, CLASSES};

/// Receives constraint evaluations in a fixed order.
pub trait Sink<E> {
    /// One constraint: its declared degree, a label and its value.
    fn push(&mut self, degree: usize, label: &'static str, value: E);
}

fn s<E: Copy>(row: &[E], c: Class) -> E {
    row[cols::SEL + c.index()]
}

/// Constraints on the main trace (`cur`, `nxt`: two consecutive rows).
pub fn main<E: FieldElement>(cur: &[E], nxt: &[E], out: &mut impl Sink<E>) {
    let one = E::ONE;
    let c = |i: usize| cur[i];
    let n = |i: usize| nxt[i];
    let k = |x: u32| E::from(x);
    let a = c(cols::ACTIVE);
    let fin = c(cols::FIN);
    let sel = |cl| s(cur, cl);
    let bw = sel(Class::Bitwise);
    let byt = sel(Class::Byte);
    let (slt, sgt) = (sel(Class::Slt), sel(Class::Sgt));
    let bin = sel(Class::Add)
        + sel(Class::Sub)
        + sel(Class::Lt)
        + sel(Class::Gt)
        + sel(Class::Eq)
        + bw
        + byt
        + slt
        + sgt
        + sel(Class::Shl)
        + sel(Class::Shr)
        + sel(Class::Sar);
    let isz = sel(Class::IsZero);
    let pushes = sel(Class::Push) + sel(Class::Env) + sel(Class::Gas) + sel(Class::MSize);
    let mem = c(cols::MEMOP);
    let ret = sel(Class::Return) + sel(Class::Revert);
    let terminal = sel(Class::Stop) + ret;
    let (jump, jumpi) = (sel(Class::Jump), sel(Class::Jumpi));
    let zf = c(cols::ZF);
    let word = |at: usize, i: usize| cur[at + i];

    // clock and activity
    out.push(1, "clk' = clk + 1", n(cols::CLK) - c(cols::CLK) - one);
    out.push(2, "active is boolean", a * (one - a));
    out.push(2, "fin is boolean", fin * (one - fin));
    out.push(2, "fin only on padding", a * fin);
    let mut sum = E::ZERO;
    for cl in CLASSES {
        let x = sel(cl);
        out.push(2, "selector is boolean", x * (one - x));
        sum += x;
    }
    out.push(1, "one selector per active row", sum - a);
    out.push(2, "active rows are a prefix", n(cols::ACTIVE) * (one - a));
    out.push(
        3,
        "only STOP ends the execution",
        a * (one - n(cols::ACTIVE)) * (one - terminal),
    );
    out.push(2, "STOP is the last active row", terminal * n(cols::ACTIVE));
    // exit status: constant, 2 exactly when the execution ends in REVERT
    let status = c(cols::STATUS);
    out.push(1, "status is constant", n(cols::STATUS) - status);
    out.push(2, "REVERT: status 2", sel(Class::Revert) * (status - k(2)));
    out.push(
        2,
        "STOP/RETURN: status 1",
        (sel(Class::Stop) + sel(Class::Return)) * (status - one),
    );
    // RETURN/REVERT: size 0 or 32; a 32-byte one reads a memory word
    let rsz = c(cols::RSZ);
    out.push(2, "RSZ is boolean", rsz * (one - rsz));
    out.push(
        2,
        "RETURN/REVERT: size = 32 RSZ",
        ret * (word(cols::B, 0) - k(32) * rsz),
    );
    for i in 1..LIMBS {
        out.push(
            2,
            "RETURN/REVERT: size fits 16 bits",
            ret * word(cols::B, i),
        );
    }
    out.push(
        2,
        "MEMOP = MLOAD + MSTORE + 32-byte RETURN/REVERT",
        mem - sel(Class::MLoad) - sel(Class::MStore) - ret * rsz,
    );

    // pc and jumps
    let taken = jump + jumpi * (one - zf);
    out.push(
        2,
        "pc' = next pc",
        (a - terminal - jump - jumpi) * (n(cols::PC) - c(cols::NPC)),
    );
    out.push(
        2,
        "JUMP: pc' = target",
        jump * (n(cols::PC) - word(cols::A, 0)),
    );
    out.push(
        3,
        "JUMPI: pc' = target or next pc",
        jumpi * (n(cols::PC) - c(cols::NPC) - (one - zf) * (word(cols::A, 0) - c(cols::NPC))),
    );
    for i in 1..LIMBS {
        out.push(3, "jump target fits 16 bits", taken * word(cols::A, i));
    }
    out.push(
        3,
        "a jump lands on JUMPDEST",
        taken * (one - s(nxt, Class::Jumpdest)),
    );

    // gas
    let mut g = E::ZERO;
    let mut scale = one;
    for i in 0..4 {
        g += c(cols::GAS_BYTES + i) * scale;
        scale *= k(256);
    }
    out.push(1, "gas = its bytes", c(cols::GAS) - g);
    let mut cost = E::ZERO;
    for cl in CLASSES {
        cost += sel(cl) * k(cl.gas() as u32);
    }
    let expansion = k(3) * (n(cols::MEMW) - c(cols::MEMW)) + n(cols::MQ) - c(cols::MQ);
    out.push(
        2,
        "gas' = gas - cost - expansion",
        n(cols::GAS) - c(cols::GAS) + cost + mem * expansion,
    );

    // stack pointer
    let mstore = sel(Class::MStore);
    let delta_sp = pushes + sel(Class::Dup)
        - bin
        - sel(Class::Pop)
        - jump
        - jumpi
        - jumpi
        - mstore
        - mstore
        - ret
        - ret
        - fin;
    out.push(1, "sp' = sp + delta", n(cols::SP) - c(cols::SP) - delta_sp);
    out.push(
        1,
        "1024 - sp = its bytes",
        k(1024) - c(cols::SP) - c(cols::SP_ROOM) - c(cols::SP_ROOM + 1) * k(256),
    );

    // zero test (EQ, ISZERO on A − B with B = 0; JUMPI on B; BYTE on A's
    // upper 15 limbs)
    let mut sq_ab = E::ZERO;
    let mut sq_b = E::ZERO;
    let mut sq_up = E::ZERO;
    for i in 0..LIMBS {
        let d = word(cols::A, i) - word(cols::B, i);
        sq_ab += d * d;
        sq_b += word(cols::B, i) * word(cols::B, i);
        if i > 0 {
            sq_up += word(cols::A, i) * word(cols::A, i);
        }
    }
    let eqz = sel(Class::Eq) + isz;
    let shifts = sel(Class::Shl) + sel(Class::Shr) + sel(Class::Sar);
    let tested = eqz * sq_ab + jumpi * sq_b + (byt + shifts) * sq_up;
    out.push(2, "zf is boolean", zf * (one - zf));
    out.push(4, "zf = 1 only for zero", zf * tested);
    out.push(
        5,
        "zf = 0 only for non-zero",
        (eqz + jumpi + byt + shifts) * (one - zf - tested * c(cols::INV)),
    );
    for i in 0..LIMBS {
        out.push(2, "ISZERO: B = 0", isz * word(cols::B, i));
    }

    // results
    let bools = eqz + sel(Class::Lt) + sel(Class::Gt) + byt + slt + sgt;
    out.push(2, "EQ/ISZERO: C = zf", eqz * (word(cols::C, 0) - zf));
    out.push(
        2,
        "LT/GT: C = carry",
        (sel(Class::Lt) + sel(Class::Gt)) * (word(cols::C, 0) - word(cols::CARRY, LIMBS - 1)),
    );
    for i in 1..LIMBS {
        out.push(2, "boolean result: upper limbs 0", bools * word(cols::C, i));
    }
    let via_r = sel(Class::Add) + sel(Class::Sub) + sel(Class::Gas) + sel(Class::MSize) + bw;
    for i in 0..LIMBS {
        out.push(
            2,
            "ADD/SUB/GAS/MSIZE/bitwise: C = R",
            via_r * (word(cols::C, i) - word(cols::R, i)),
        );
    }
    for i in 1..LIMBS {
        out.push(
            2,
            "CALLDATALOAD: offset fits 16 bits",
            sel(Class::CallDataLoad) * word(cols::A, i),
        );
    }
    for i in 0..LIMBS {
        out.push(
            2,
            "NOT: C = 0xffff - A",
            sel(Class::Not) * (word(cols::C, i) + word(cols::A, i) - k(0xffff)),
        );
    }
    out.push(
        2,
        "GAS: R = gas'",
        sel(Class::Gas) * (word(cols::R, 0) + word(cols::R, 1) * k(65536) - n(cols::GAS)),
    );
    for i in 2..LIMBS {
        out.push(2, "GAS: upper limbs 0", sel(Class::Gas) * word(cols::R, i));
    }

    memory(cur, nxt, mem, out);
    byte_op(cur, out);
    signed(cur, out);
    shift(cur, out);

    // adder: X + Y = Z + 2^256·carry, limb by limb
    let base = k(65536);
    let sub_lt = sel(Class::Sub) + sel(Class::Lt) + slt;
    for i in 0..LIMBS {
        let cin = if i == 0 {
            E::ZERO
        } else {
            word(cols::CARRY, i - 1)
        };
        let cout = word(cols::CARRY, i) * base;
        let (av, bv, rv) = (word(cols::A, i), word(cols::B, i), word(cols::R, i));
        // (on AND/OR/XOR and shift rows CARRY holds B's high bytes, checked
        // by the byte bus)
        out.push(
            3,
            "carry is boolean",
            (one - bw - shifts) * word(cols::CARRY, i) * (one - word(cols::CARRY, i)),
        );
        out.push(
            2,
            "ADD: A + B = R",
            sel(Class::Add) * (av + bv + cin - rv - cout),
        );
        out.push(
            2,
            "SUB/LT/SLT: R + B = A",
            sub_lt * (rv + bv + cin - av - cout),
        );
        out.push(
            2,
            "GT/SGT: R + A = B",
            (sel(Class::Gt) + sgt) * (rv + av + cin - bv - cout),
        );
    }
}

/// BYTE (A = i, B = x): R = x (its 32 bytes range-checked by the byte bus),
/// a one-hot selector `h_p` over the little-endian byte positions `p`
/// (`CARRY + l` for the low byte of limb `l`, `A_HI + l` for the high one),
/// `Σ h_p = 1` exactly when `i < 32` (then `i = 31 − p`), and C = byte `p`.
/// When no selector is set, `i ≥ 32`: an upper limb of A is non-zero (the
/// zero flag of the zero test, over A's upper limbs, is 0) or
/// `A_0 − 32` is two range-checked bytes (`EXP_BYTES`, free on BYTE rows).
fn byte_op<E: FieldElement>(cur: &[E], out: &mut impl Sink<E>) {
    let one = E::ONE;
    let k = |x: u32| E::from(x);
    let byt = s(cur, Class::Byte);
    let mut sum = E::ZERO;
    let mut pos = E::ZERO;
    let mut picked = E::ZERO;
    for l in 0..LIMBS {
        let (h_lo, h_hi) = (cur[cols::CARRY + l], cur[cols::A_HI + l]);
        let hi_byte = cur[cols::R_HI + l];
        let lo_byte = cur[cols::R + l] - hi_byte * k(256);
        // (CARRY is boolean on every row but AND/OR/XOR ones)
        out.push(3, "BYTE: selector is boolean", byt * h_hi * (one - h_hi));
        sum += h_lo + h_hi;
        pos += h_lo * k(31 - 2 * l as u32) + h_hi * k(30 - 2 * l as u32);
        picked += h_lo * lo_byte + h_hi * hi_byte;
        out.push(
            2,
            "BYTE: R = B",
            byt * (cur[cols::R + l] - cur[cols::B + l]),
        );
    }
    out.push(3, "BYTE: at most one selector", byt * sum * (one - sum));
    out.push(
        3,
        "BYTE: i = 31 - p when selected",
        byt * (sum * cur[cols::A] - pos),
    );
    for i in 1..LIMBS {
        out.push(
            3,
            "BYTE: selected i fits 16 bits",
            byt * sum * cur[cols::A + i],
        );
    }
    let room = cur[cols::A] - k(32) - cur[cols::EXP_BYTES] - cur[cols::EXP_BYTES + 1] * k(256);
    out.push(
        4,
        "BYTE: none selected means i >= 32",
        byt * cur[cols::ZF] * (one - sum) * room,
    );
    out.push(
        3,
        "BYTE: C = the selected byte",
        byt * (cur[cols::C] - picked),
    );
}

/// SLT/SGT: the sign bits `sa`, `sb` of A and B (`A_HI`, `A_HI + 1`):
/// `2·(A_15 − 2^15·sa)` is two range-checked bytes (`EXP_BYTES`), likewise
/// B's with `DELTA_M` (both free on these rows), so `A_15 − 2^15·sa < 2^15`;
/// the result is `sa·(1 − sb)` (SLT) or `sb·(1 − sa)` (SGT) when the signs
/// differ, else the borrow of the unsigned comparison (LT's and GT's adder).
fn signed<E: FieldElement>(cur: &[E], out: &mut impl Sink<E>) {
    let one = E::ONE;
    let k = |x: u32| E::from(x);
    let (slt, sgt) = (s(cur, Class::Slt), s(cur, Class::Sgt));
    let sg = slt + sgt;
    let (sa, sb) = (cur[cols::A_HI], cur[cols::A_HI + 1]);
    out.push(3, "SLT/SGT: sign of A is boolean", sg * sa * (one - sa));
    out.push(3, "SLT/SGT: sign of B is boolean", sg * sb * (one - sb));
    let two = |at: usize| cur[at] + cur[at + 1] * k(256);
    let top = LIMBS - 1;
    out.push(
        2,
        "SLT/SGT: A's top limb below the sign is 15 bits",
        sg * (k(2) * (cur[cols::A + top] - sa * k(1 << 15)) - two(cols::EXP_BYTES)),
    );
    out.push(
        2,
        "SLT/SGT: B's top limb below the sign is 15 bits",
        sg * (k(2) * (cur[cols::B + top] - sb * k(1 << 15)) - two(cols::DELTA_M)),
    );
    let same = one - sa - sb + k(2) * sa * sb;
    let borrow = cur[cols::CARRY + top];
    out.push(
        4,
        "SLT: C = signed A < B",
        slt * (cur[cols::C] - sa * (one - sb) - same * borrow),
    );
    out.push(
        4,
        "SGT: C = signed A > B",
        sgt * (cur[cols::C] - sb * (one - sa) - same * borrow),
    );
}

/// SHL/SHR/SAR (A = s, B = x): R is x shifted by `r` bits, byte by byte
/// through the shift table (the byte bus, see [`bus::row_fracs`]); C is R
/// shifted by `q` bytes, by the one-hot `h_q = u_{q/4}·v_{q%4}` (SAR fills
/// with the sign byte `F = 255·sign`). `S = Σu = Σv ∈ {0, 1}`; when `S = 1`,
/// `s = 8q + r < 256`; when `S = 0`, `s ≥ 256` (an upper limb non-zero, or
/// `A_0 − 256` two range-checked bytes `DELTA_M`) and C is 0 or the fill.
/// SAR's sign: `2·(B_15 − 2^15·sign)` is two range-checked bytes (`EXP_BYTES`).
fn shift<E: FieldElement>(cur: &[E], out: &mut impl Sink<E>) {
    let one = E::ONE;
    let k = |x: u32| E::from(x);
    let (shl, shr, sar) = (s(cur, Class::Shl), s(cur, Class::Shr), s(cur, Class::Sar));
    let sh = shl + shr + sar;
    for j in 0..16 {
        let x = cur[cols::SHIFT_U + j];
        out.push(3, "shift: witness bit is boolean", sh * x * (one - x));
    }
    let (mut su, mut sv, mut q) = (E::ZERO, E::ZERO, E::ZERO);
    for a in 0..8 {
        su += cur[cols::SHIFT_U + a];
        q += cur[cols::SHIFT_U + a] * k(4 * a as u32);
    }
    for b in 0..4 {
        sv += cur[cols::SHIFT_V + b];
        q += cur[cols::SHIFT_V + b] * k(b as u32);
    }
    let r = cur[cols::SHIFT_R] + cur[cols::SHIFT_R + 1] * k(2) + cur[cols::SHIFT_R + 2] * k(4);
    out.push(2, "shift: both halves of q selected alike", sh * (su - sv));
    out.push(3, "shift: at most one q", sh * su * (one - su));
    out.push(
        3,
        "shift: s = 8q + r when selected",
        sh * (su * cur[cols::A] - k(8) * q - su * r),
    );
    for i in 1..LIMBS {
        out.push(
            3,
            "shift: selected s fits 16 bits",
            sh * su * cur[cols::A + i],
        );
    }
    let room = cur[cols::A] - k(256) - cur[cols::DELTA_M] - cur[cols::DELTA_M + 1] * k(256);
    out.push(
        4,
        "shift: none selected means s >= 256",
        sh * cur[cols::ZF] * (one - su) * room,
    );
    let sign = cur[cols::SHIFT_SIGN];
    out.push(
        2,
        "SAR: B's top limb below the sign is 15 bits",
        sar * (k(2) * (cur[cols::B + LIMBS - 1] - sign * k(1 << 15))
            - cur[cols::EXP_BYTES]
            - cur[cols::EXP_BYTES + 1] * k(256)),
    );
    // the bytes of R (x shifted by r bits) and the fill byte
    let y = |p: usize| {
        let hi = cur[cols::R_HI + p / 2];
        if p % 2 == 1 {
            hi
        } else {
            cur[cols::R + p / 2] - hi * k(256)
        }
    };
    let fill = sign * k(255);
    for l in 0..LIMBS {
        let (mut left, mut right, mut arith) = (E::ZERO, E::ZERO, E::ZERO);
        for qq in 0..32usize {
            let h = cur[cols::SHIFT_U + qq / 4] * cur[cols::SHIFT_V + qq % 4];
            for (t, scale) in [(2 * l, one), (2 * l + 1, k(256))] {
                if t >= qq {
                    left += h * y(t - qq) * scale;
                }
                if t + qq < 32 {
                    right += h * y(t + qq) * scale;
                    arith += h * y(t + qq) * scale;
                } else {
                    arith += h * fill * scale;
                }
            }
        }
        arith += (one - su) * fill * k(257);
        out.push(
            4,
            "SHL/SHR/SAR: C = the shifted bytes",
            shl * (cur[cols::C + l] - left)
                + shr * (cur[cols::C + l] - right)
                + sar * (cur[cols::C + l] - arith),
        );
    }
}

/// Memory size, its cost, the word index of an access, the final memory rows.
fn memory<E: FieldElement>(cur: &[E], nxt: &[E], mem: E, out: &mut impl Sink<E>) {
    let one = E::ONE;
    let k = |x: u32| E::from(x);
    let c = |i: usize| cur[i];
    let bytes3 = |at: usize| c(at) + c(at + 1) * k(256) + c(at + 2) * k(65536);
    let (w, widx, exp, finm) = (c(cols::MEMW), c(cols::WIDX), c(cols::EXP), c(cols::FINM));
    out.push(1, "MEMW = its bytes", w - bytes3(cols::MEMW_BYTES));
    out.push(
        2,
        "MEMW^2 = 512 MQ + MR",
        w * w - k(512) * c(cols::MQ) - c(cols::MR) - k(256) * c(cols::MR + 1),
    );
    let hi = c(cols::MR + 1);
    out.push(2, "MR high bit is boolean", hi * (one - hi));
    out.push(2, "EXP is boolean", exp * (one - exp));
    out.push(2, "EXP only on memory rows", (one - mem) * exp);
    out.push(
        3,
        "expansion test = its bytes",
        mem * (exp * (widx - w) + (one - exp) * (w - widx - one) - bytes3(cols::EXP_BYTES)),
    );
    out.push(
        2,
        "MEMW' = MEMW or k + 1",
        nxt[cols::MEMW] - w - exp * (widx + one - w),
    );
    out.push(
        2,
        "memory offset = 32 k",
        mem * (c(cols::A) + c(cols::A + 1) * k(65536) - k(32) * widx),
    );
    for i in 2..LIMBS {
        out.push(2, "memory offset fits 32 bits", mem * c(cols::A + i));
    }
    let msize = s(cur, Class::MSize);
    out.push(
        2,
        "MSIZE: R = 32 MEMW",
        msize * (c(cols::R) + c(cols::R + 1) * k(65536) - k(32) * w),
    );
    for i in 2..LIMBS {
        out.push(2, "MSIZE: upper limbs 0", msize * c(cols::R + i));
    }
    out.push(2, "finm is boolean", finm * (one - finm));
    out.push(2, "finm only on padding", c(cols::ACTIVE) * finm);
    out.push(1, "MK' = MK + finm", nxt[cols::MK] - c(cols::MK) - finm);
}

/// Constraints on the auxiliary trace: the helper columns and the running sum.
pub fn aux<F, E>(
    cur: &[F],
    nxt_aux: &[E],
    cur_aux: &[E],
    ch: &Challenges<E>,
    out: &mut impl Sink<E>,
) where
    F: FieldElement<BaseField = E::BaseField>,
    E: FieldElement + ExtensionOf<F>,
{
    let fr = bus::row_fracs(cur, ch);
    let mut helpers = E::ZERO;
    for (j, group) in fr.stack.chunks(bus::STACK_PER_HELPER).enumerate() {
        let h = cur_aux[1 + j];
        helpers += h;
        out.push(5, "stack helper", bus::group_constraint(h, group));
    }
    for (j, group) in fr.bytes.chunks(bus::BYTES_PER_HELPER).enumerate() {
        let h = cur_aux[1 + bus::STACK_HELPERS + j];
        helpers += h;
        out.push(
            bus::byte_helper_degree(j),
            "byte helper",
            bus::group_constraint(h, group),
        );
    }
    let h = cur_aux[bus::MEM_HELPER];
    helpers += h;
    out.push(5, "memory helper", bus::group_constraint(h, &fr.memory));
    out.push(
        5,
        "running sum",
        bus::group_constraint(
            nxt_aux[0] - cur_aux[0] - helpers,
            &[fr.code, fr.calldata, fr.ret],
        ),
    );
}

/// A sink that records only the degrees (for the AIR context).
#[derive(Debug, Default)]
pub struct Degrees(pub alloc::vec::Vec<usize>);

impl<E> Sink<E> for Degrees {
    fn push(&mut self, degree: usize, _: &'static str, _: E) {
        self.0.push(degree);
    }
}

/// A sink that writes values into a result slice in order.
#[derive(Debug)]
pub struct Writer<'a, E> {
    out: &'a mut [E],
    at: usize,
}

impl<'a, E> Writer<'a, E> {
    /// Writes into `out` from index 0.
    pub fn new(out: &'a mut [E]) -> Self {
        Self { out, at: 0 }
    }
}

impl<E> Sink<E> for Writer<'_, E> {
    fn push(&mut self, _: usize, _: &'static str, value: E) {
        if let Some(slot) = self.out.get_mut(self.at) {
            *slot = value;
        }
        self.at += 1;
    }
}

/// A sink that remembers the first non-zero constraint.
#[derive(Debug, Default)]
pub struct FirstFailure {
    /// Index and label of the first constraint that did not evaluate to zero.
    pub failed: Option<(usize, &'static str)>,
    at: usize,
}

impl<E: FieldElement> Sink<E> for FirstFailure {
    fn push(&mut self, _: usize, label: &'static str, value: E) {
        if self.failed.is_none() && value != E::ZERO {
            self.failed = Some((self.at, label));
        }
        self.at += 1;
    }
}
