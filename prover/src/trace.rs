//! Builds the main trace (one CPU row per step, then the final-stack rows and padding) and the table counts.

use std::collections::BTreeMap;

use verifier::bus::{self, ByteSrc, BYTE_FRACS};
use verifier::cols::{self, LIMBS};
use verifier::opcodes::{self, Class};
use verifier::public::{BitwiseCount, Counts, PublicInputs};
use winter_prover::math::fields::f64::BaseElement;
use winter_prover::math::FieldElement;

use crate::record::{Limbs, StepRecord};
use crate::Error;

/// Shortest trace the verifier accepts (see `verifier::verify::MIN_TRACE_LOG2`).
const MIN_ROWS: usize = 1 << verifier::verify::MIN_TRACE_LOG2;
/// Longest trace the verifier accepts (see `verifier::verify::MAX_TRACE_LOG2`).
pub const MAX_ROWS: usize = 1 << verifier::verify::MAX_TRACE_LOG2;

/// A main trace, column by column, with the multiplicities of the verifier's tables.
#[derive(Debug, Clone)]
pub struct MainTrace {
    /// Columns of equal power-of-two length.
    pub columns: Vec<Vec<BaseElement>>,
    /// Table multiplicities.
    pub counts: Counts,
    /// Rows that execute an instruction.
    pub steps: usize,
}

type Row = [u64; cols::WIDTH];

fn put_word(row: &mut Row, at: usize, w: &Limbs) {
    row[at..at + LIMBS].copy_from_slice(w);
}

/// `x + y` limb by limb: (sum mod 2^256, carry out of each limb).
fn add(x: &Limbs, y: &Limbs) -> (Limbs, Limbs) {
    let mut sum = [0u64; LIMBS];
    let mut carries = [0u64; LIMBS];
    let mut c = 0;
    for i in 0..LIMBS {
        let t = x[i] + y[i] + c;
        sum[i] = t & 0xffff;
        c = t >> 16;
        carries[i] = c;
    }
    (sum, carries)
}

/// `x − y` mod 2^256.
fn sub(x: &Limbs, y: &Limbs) -> Limbs {
    let mut out = [0u64; LIMBS];
    let mut borrow = 0i64;
    for i in 0..LIMBS {
        let mut t = x[i] as i64 - y[i] as i64 - borrow;
        borrow = 0;
        if t < 0 {
            t += 1 << 16;
            borrow = 1;
        }
        out[i] = t as u64;
    }
    out
}

fn field(v: u64) -> BaseElement {
    BaseElement::new(v)
}

/// Sum of squares (in the field) and its zero flag / inverse witness.
fn zero_test(row: &mut Row, word_a: &Limbs, word_b: &Limbs) {
    let mut s = BaseElement::ZERO;
    for i in 0..LIMBS {
        let d = field(word_a[i]) - field(word_b[i]);
        s += d * d;
    }
    if s == BaseElement::ZERO {
        row[cols::ZF] = 1;
        row[cols::INV] = 0;
    } else {
        row[cols::ZF] = 0;
        row[cols::INV] = s.inv().as_int();
    }
}

struct Builder {
    rows: Vec<Row>,
    last_write: Vec<u64>,
    /// Memory words: the stamp of each word's live token and its value.
    memory: Vec<(u64, Limbs)>,
}

fn put_bytes3(row: &mut Row, at: usize, v: u64) {
    for j in 0..3 {
        row[at + j] = (v >> (8 * j)) & 0xff;
    }
}

impl Builder {
    /// Consume slot `k` at `addr` in row `clk`: the bytes of `clk − t_prev − 1`.
    fn consume(&mut self, row: &mut Row, k: usize, addr: usize, clk: u64) -> Result<(), Error> {
        let prev = *self.last_write.get(addr).ok_or(Error::StackUnderflow)?;
        let delta = clk.checked_sub(prev + 1).ok_or(Error::StackUnderflow)?;
        if delta >= 1 << 24 {
            return Err(Error::TooLong);
        }
        for j in 0..3 {
            row[cols::DELTA + 3 * k + j] = (delta >> (8 * j)) & 0xff;
        }
        Ok(())
    }

    /// A memory access of word `offset / 32` in row `clk`: expansion, the
    /// consume of the word's live token and the emit of `new` (or of the
    /// old value when `new` is `None`); returns the old value.
    fn access(
        &mut self,
        row: &mut Row,
        offset: &Limbs,
        new: Option<Limbs>,
        clk: u64,
    ) -> Result<Limbs, Error> {
        if offset[2..].iter().any(|l| *l != 0) || !offset[0].is_multiple_of(32) {
            return Err(Error::MemoryOffset);
        }
        let k = (offset[0] + (offset[1] << 16)) / 32;
        let w = self.memory.len() as u64;
        row[cols::WIDX] = k;
        if k >= w {
            if k + 1 > u64::from(verifier::limits::MAX_MEMORY_WORDS) {
                return Err(Error::MemoryOffset);
            }
            row[cols::EXP] = 1;
            put_bytes3(row, cols::EXP_BYTES, k - w);
            self.memory.resize(k as usize + 1, (0, [0; LIMBS]));
        } else {
            put_bytes3(row, cols::EXP_BYTES, w - k - 1);
        }
        let slot = &mut self.memory[k as usize];
        let old = slot.1;
        put_bytes3(row, cols::DELTA_M, clk - slot.0);
        *slot = (clk + 1, new.unwrap_or(old));
        Ok(old)
    }

    fn emit(&mut self, addr: usize, clk: u64) -> Result<(), Error> {
        let slot = self.last_write.get_mut(addr).ok_or(Error::StackOverflow)?;
        *slot = clk;
        Ok(())
    }
}

fn common(row: &mut Row, clk: u64, sp: usize, gas: u64, memw: u64) {
    row[cols::CLK] = clk;
    row[cols::MEMW] = memw;
    put_bytes3(row, cols::MEMW_BYTES, memw);
    let sq = memw * memw;
    row[cols::MQ] = sq / 512;
    row[cols::MR] = sq % 256;
    row[cols::MR + 1] = (sq % 512) / 256;
    row[cols::SP] = sp as u64;
    row[cols::GAS] = gas;
    for j in 0..4 {
        row[cols::GAS_BYTES + j] = (gas >> (8 * j)) & 0xff;
    }
    let room = 1024u64.saturating_sub(sp as u64);
    row[cols::SP_ROOM] = room & 0xff;
    row[cols::SP_ROOM + 1] = room >> 8;
    for i in 0..LIMBS {
        row[cols::R_HI + i] = row[cols::R + i] >> 8;
    }
}

/// SLT/SGT: the sign bits of `x` and `y` and the bytes of twice their top
/// limbs below the sign.
fn signs(row: &mut Row, x: &Limbs, y: &Limbs) {
    let (xt, yt) = (x[LIMBS - 1], y[LIMBS - 1]);
    row[cols::A_HI] = xt >> 15;
    row[cols::A_HI + 1] = yt >> 15;
    let (dx, dy) = (2 * (xt & 0x7fff), 2 * (yt & 0x7fff));
    row[cols::EXP_BYTES] = dx & 0xff;
    row[cols::EXP_BYTES + 1] = dx >> 8;
    row[cols::DELTA_M] = dy & 0xff;
    row[cols::DELTA_M + 1] = dy >> 8;
}

/// BYTE with index `x`: the zero test of its upper limbs, the one-hot
/// selector of byte `31 − x` when `x < 32`, else the bytes of `x_0 − 32`
/// when the upper limbs are zero.
fn byte_select(row: &mut Row, x: &Limbs) {
    let mut upper = *x;
    upper[0] = 0;
    zero_test(row, &upper, &[0; LIMBS]);
    if row[cols::ZF] == 1 && x[0] < 32 {
        let p = 31 - x[0] as usize;
        let at = if p.is_multiple_of(2) {
            cols::CARRY
        } else {
            cols::A_HI
        };
        row[at + p / 2] = 1;
    } else if row[cols::ZF] == 1 {
        let d = x[0] - 32;
        row[cols::EXP_BYTES] = d & 0xff;
        row[cols::EXP_BYTES + 1] = d >> 8;
    }
}

/// Little-endian byte `p` of `w`.
fn byte_at(w: &Limbs, p: usize) -> u64 {
    (w[p / 2] >> (8 * (p % 2))) & 0xff
}

/// SHL/SHR/SAR by `s` of `x`: the zero test of `s`'s upper limbs, the
/// one-hot of `q = s / 8` and the bits of `r = s % 8` (or the bytes of
/// `s_0 − 256`), B's high bytes, SAR's sign; returns R (`x` shifted by `r`
/// bits, byte by byte as the shift table does).
fn shift_witness(row: &mut Row, class: Class, s: &Limbs, x: &Limbs) -> Limbs {
    let mut upper = *s;
    upper[0] = 0;
    zero_test(row, &upper, &[0; LIMBS]);
    let mut r = 0;
    if row[cols::ZF] == 1 && s[0] < 256 {
        let q = (s[0] / 8) as usize;
        r = s[0] % 8;
        row[cols::SHIFT_U + q / 4] = 1;
        row[cols::SHIFT_V + q % 4] = 1;
        for j in 0..3 {
            row[cols::SHIFT_R + j] = (r >> j) & 1;
        }
    } else if row[cols::ZF] == 1 {
        let d = s[0] - 256;
        row[cols::DELTA_M] = d & 0xff;
        row[cols::DELTA_M + 1] = d >> 8;
    }
    for i in 0..LIMBS {
        row[cols::CARRY + i] = x[i] >> 8;
    }
    let top = x[LIMBS - 1];
    let sign = if class == Class::Sar { top >> 15 } else { 0 };
    if class == Class::Sar {
        row[cols::SHIFT_SIGN] = sign;
        let d = 2 * (top & 0x7fff);
        row[cols::EXP_BYTES] = d & 0xff;
        row[cols::EXP_BYTES + 1] = d >> 8;
    }
    let mut out = [0u64; LIMBS];
    for p in 0..32 {
        let (op, a, b) = shift_operands(class, r, x, sign, p);
        let v = opcodes::bitwise(op, a, b).map_or(0, u64::from);
        out[p / 2] |= v << (8 * (p % 2));
    }
    out
}

/// The shift-table operands of byte `p` of a shift row: `(op, x_p, neighbour)`.
fn shift_operands(class: Class, r: u64, x: &Limbs, sign: u64, p: usize) -> (u8, u8, u8) {
    let xb = |q: usize| byte_at(x, q) as u8;
    if class == Class::Shl {
        let below = if p > 0 { xb(p - 1) } else { 0 };
        (opcodes::SHIFT_LEFT + r as u8, xb(p), below)
    } else {
        let above = if p < 31 {
            xb(p + 1)
        } else {
            (sign * 255) as u8
        };
        (opcodes::SHIFT_RIGHT + r as u8, xb(p), above)
    }
}

/// Builds the trace of `steps` (the depth-0 frame of `public`), ending with `final_stack`.
pub fn build(
    public: &PublicInputs,
    steps: &[StepRecord],
    final_stack: &[Limbs],
) -> Result<MainTrace, Error> {
    let table = public.code_table();
    let index: BTreeMap<u32, usize> = table.iter().enumerate().map(|(i, r)| (r.pc, i)).collect();
    let mut code_counts = vec![0u32; table.len()];
    let mut calldata_counts = vec![0u32; public.calldata.len() + 1];
    let mut b = Builder {
        rows: Vec::with_capacity(steps.len() + final_stack.len() + 1),
        last_write: vec![0u64; 1024],
        memory: Vec::new(),
    };
    let (gas0, gas_end) = public.frame_gas().map_err(Error::Statement)?;
    if steps.first().map(|s| s.gas) != Some(gas0) {
        return Err(Error::GasMismatch);
    }
    // `last_write` holds each address's last emit; a consume needs t_prev < clk.
    let mut memw = 0u64;
    for (clk, st) in steps.iter().enumerate() {
        let clk = clk as u64;
        let info = opcodes::info(st.op).ok_or(Error::Unconstrained {
            op: st.op,
            pc: st.pc,
        })?;
        let ti = *index
            .get(&(st.pc as u32))
            .ok_or(Error::NotABoundary { pc: st.pc })?;
        let entry = table[ti];
        code_counts[ti] += 1;
        let mut row: Row = [0; cols::WIDTH];
        row[cols::ACTIVE] = 1;
        row[cols::PC] = st.pc as u64;
        row[cols::NPC] = u64::from(entry.npc);
        row[cols::N] = u64::from(info.n);
        row[cols::SEL + info.class.index()] = 1;
        let top = |k: usize| st.top.get(k).copied().ok_or(Error::StackUnderflow);
        let result = || st.result.ok_or(Error::StackUnderflow);
        let sp = st.sp;
        let n = usize::from(info.n);
        let at = |d: usize| sp.checked_sub(d).ok_or(Error::StackUnderflow);
        match info.class {
            Class::Stop | Class::Jumpdest => {}
            Class::Add
            | Class::Sub
            | Class::Lt
            | Class::Gt
            | Class::Eq
            | Class::Slt
            | Class::Sgt => {
                let (x, y, c) = (top(0)?, top(1)?, result()?);
                put_word(&mut row, cols::A, &x);
                put_word(&mut row, cols::B, &y);
                put_word(&mut row, cols::C, &c);
                let (r, carries) = match info.class {
                    Class::Add => add(&x, &y),
                    Class::Sub | Class::Lt | Class::Slt => {
                        let r = sub(&x, &y);
                        (r, add(&r, &y).1)
                    }
                    Class::Gt | Class::Sgt => {
                        let r = sub(&y, &x);
                        (r, add(&r, &x).1)
                    }
                    _ => ([0; LIMBS], [0; LIMBS]),
                };
                if info.class != Class::Eq {
                    put_word(&mut row, cols::R, &r);
                    put_word(&mut row, cols::CARRY, &carries);
                }
                zero_test(&mut row, &x, &y);
                if info.class != Class::Eq {
                    row[cols::ZF] = 0;
                    row[cols::INV] = 0;
                }
                if matches!(info.class, Class::Slt | Class::Sgt) {
                    signs(&mut row, &x, &y);
                }
                b.consume(&mut row, 0, at(1)?, clk)?;
                b.consume(&mut row, 1, at(2)?, clk)?;
                b.emit(at(2)?, clk)?;
            }
            Class::Bitwise => {
                let (x, y, c) = (top(0)?, top(1)?, result()?);
                put_word(&mut row, cols::A, &x);
                put_word(&mut row, cols::B, &y);
                put_word(&mut row, cols::C, &c);
                put_word(&mut row, cols::R, &c);
                for i in 0..LIMBS {
                    row[cols::A_HI + i] = x[i] >> 8;
                    row[cols::CARRY + i] = y[i] >> 8;
                }
                b.consume(&mut row, 0, at(1)?, clk)?;
                b.consume(&mut row, 1, at(2)?, clk)?;
                b.emit(at(2)?, clk)?;
            }
            Class::Byte => {
                let (x, y, c) = (top(0)?, top(1)?, result()?);
                put_word(&mut row, cols::A, &x);
                put_word(&mut row, cols::B, &y);
                put_word(&mut row, cols::C, &c);
                put_word(&mut row, cols::R, &y);
                byte_select(&mut row, &x);
                b.consume(&mut row, 0, at(1)?, clk)?;
                b.consume(&mut row, 1, at(2)?, clk)?;
                b.emit(at(2)?, clk)?;
            }
            Class::Shl | Class::Shr | Class::Sar => {
                let (x, y, c) = (top(0)?, top(1)?, result()?);
                put_word(&mut row, cols::A, &x);
                put_word(&mut row, cols::B, &y);
                put_word(&mut row, cols::C, &c);
                let r = shift_witness(&mut row, info.class, &x, &y);
                put_word(&mut row, cols::R, &r);
                b.consume(&mut row, 0, at(1)?, clk)?;
                b.consume(&mut row, 1, at(2)?, clk)?;
                b.emit(at(2)?, clk)?;
            }
            Class::IsZero => {
                let (x, c) = (top(0)?, result()?);
                put_word(&mut row, cols::A, &x);
                put_word(&mut row, cols::C, &c);
                zero_test(&mut row, &x, &[0; LIMBS]);
                b.consume(&mut row, 0, at(1)?, clk)?;
                b.emit(at(1)?, clk)?;
            }
            Class::CallDataLoad => {
                let (x, c) = (top(0)?, result()?);
                if x[1..].iter().any(|l| *l != 0) {
                    return Err(Error::CalldataOffset);
                }
                let slot = calldata_counts
                    .get_mut(x[0] as usize)
                    .ok_or(Error::CalldataOffset)?;
                *slot += 1;
                put_word(&mut row, cols::A, &x);
                put_word(&mut row, cols::C, &c);
                b.consume(&mut row, 0, at(1)?, clk)?;
                b.emit(at(1)?, clk)?;
            }
            Class::Not => {
                let (x, c) = (top(0)?, result()?);
                put_word(&mut row, cols::A, &x);
                put_word(&mut row, cols::C, &c);
                b.consume(&mut row, 0, at(1)?, clk)?;
                b.emit(at(1)?, clk)?;
            }
            Class::Return | Class::Revert => {
                let (x, y) = (top(0)?, top(1)?);
                put_word(&mut row, cols::A, &x);
                put_word(&mut row, cols::B, &y);
                if y[1..].iter().any(|l| *l != 0) || (y[0] != 0 && y[0] != 32) {
                    return Err(Error::ReturnData);
                }
                if y[0] == 32 {
                    row[cols::RSZ] = 1;
                    row[cols::MEMOP] = 1;
                    let w = b.access(&mut row, &x, None, clk)?;
                    put_word(&mut row, cols::C, &w);
                }
                b.consume(&mut row, 0, at(1)?, clk)?;
                b.consume(&mut row, 1, at(2)?, clk)?;
            }
            Class::MLoad => {
                let (x, c) = (top(0)?, result()?);
                put_word(&mut row, cols::A, &x);
                put_word(&mut row, cols::C, &c);
                row[cols::MEMOP] = 1;
                b.access(&mut row, &x, None, clk)?;
                b.consume(&mut row, 0, at(1)?, clk)?;
                b.emit(at(1)?, clk)?;
            }
            Class::MStore => {
                let (x, y) = (top(0)?, top(1)?);
                put_word(&mut row, cols::A, &x);
                put_word(&mut row, cols::B, &y);
                row[cols::MEMOP] = 1;
                let old = b.access(&mut row, &x, Some(y), clk)?;
                put_word(&mut row, cols::R, &old);
                b.consume(&mut row, 0, at(1)?, clk)?;
                b.consume(&mut row, 1, at(2)?, clk)?;
            }
            Class::MSize => {
                let c = result()?;
                put_word(&mut row, cols::C, &c);
                put_word(&mut row, cols::R, &c);
                b.emit(sp, clk)?;
            }
            Class::Pop | Class::Jump => {
                put_word(&mut row, cols::A, &top(0)?);
                b.consume(&mut row, 0, at(1)?, clk)?;
            }
            Class::Jumpi => {
                let (x, y) = (top(0)?, top(1)?);
                put_word(&mut row, cols::A, &x);
                put_word(&mut row, cols::B, &y);
                zero_test(&mut row, &y, &[0; LIMBS]);
                b.consume(&mut row, 0, at(1)?, clk)?;
                b.consume(&mut row, 1, at(2)?, clk)?;
            }
            Class::Gas | Class::Env | Class::Push => {
                let c = result()?;
                put_word(&mut row, cols::C, &c);
                if info.class == Class::Gas {
                    put_word(&mut row, cols::R, &c);
                }
                b.emit(sp, clk)?;
            }
            Class::Dup => {
                let x = top(n - 1)?;
                put_word(&mut row, cols::A, &x);
                b.consume(&mut row, 0, at(n)?, clk)?;
                b.emit(at(n)?, clk)?;
                b.emit(sp, clk)?;
            }
            Class::Swap => {
                let (x, y) = (top(0)?, top(n)?);
                put_word(&mut row, cols::A, &x);
                put_word(&mut row, cols::B, &y);
                b.consume(&mut row, 0, at(1)?, clk)?;
                b.consume(&mut row, 1, at(n + 1)?, clk)?;
                b.emit(at(1)?, clk)?;
                b.emit(at(n + 1)?, clk)?;
            }
        }
        common(&mut row, clk, sp, st.gas, memw);
        memw = b.memory.len() as u64;
        b.rows.push(row);
    }
    let terminal = |op: u8| opcodes::info(op).is_some_and(|i| i.class.terminal());
    match steps.last() {
        Some(st) if terminal(st.op) && st.gas_after == gas_end => {}
        Some(st) if terminal(st.op) => return Err(Error::GasMismatch),
        _ => return Err(Error::NotStopped),
    }
    // Final-stack rows: consume every live token, top first.
    let mut sp = final_stack.len();
    let exec_rows = b.rows.len();
    while sp > 0 {
        let clk = b.rows.len() as u64;
        let mut row: Row = [0; cols::WIDTH];
        row[cols::FIN] = 1;
        put_word(&mut row, cols::A, &final_stack[sp - 1]);
        b.consume(&mut row, 0, sp - 1, clk)?;
        common(&mut row, clk, sp, gas_end, memw);
        b.rows.push(row);
        sp -= 1;
    }
    // Final memory rows: consume every word's live token, word k at MK = k.
    for k in 0..b.memory.len() {
        let clk = b.rows.len() as u64;
        let mut row: Row = [0; cols::WIDTH];
        row[cols::FINM] = 1;
        row[cols::MK] = k as u64;
        let (stamp, v) = b.memory[k];
        put_word(&mut row, cols::A, &v);
        put_bytes3(&mut row, cols::DELTA_M, clk - stamp);
        common(&mut row, clk, 0, gas_end, memw);
        b.rows.push(row);
    }
    let len = (b.rows.len() + 1).next_power_of_two().max(MIN_ROWS);
    if len > MAX_ROWS {
        return Err(Error::TooLong);
    }
    let last_pc = steps.last().map_or(0, |s| s.pc as u64);
    while b.rows.len() < len {
        let mut row: Row = [0; cols::WIDTH];
        row[cols::PC] = last_pc;
        row[cols::MK] = memw;
        common(&mut row, b.rows.len() as u64, 0, gas_end, memw);
        b.rows.push(row);
    }
    for row in &mut b.rows {
        row[cols::STATUS] = public.status as u64;
    }
    let (bytes, bitwise) = byte_counts(&b.rows[..len - 1])?;
    let mut columns: Vec<Vec<BaseElement>> =
        (0..cols::WIDTH).map(|_| Vec::with_capacity(len)).collect();
    for row in &b.rows {
        for (j, col) in columns.iter_mut().enumerate() {
            col.push(field(row[j]));
        }
    }
    Ok(MainTrace {
        columns,
        counts: Counts {
            code: code_counts,
            bytes,
            calldata: calldata_counts,
            memory_words: memw as u32,
            bitwise,
        },
        steps: exec_rows,
    })
}

/// Byte multiplicities and bitwise entries over `rows` (the rows whose
/// transition is checked: all but the last).
fn byte_counts(rows: &[Row]) -> Result<(Vec<u32>, Vec<BitwiseCount>), Error> {
    let mut bytes = vec![0u32; 256];
    let mut bitwise: BTreeMap<(u8, u8, u8), u32> = BTreeMap::new();
    for row in rows {
        let op = row[cols::SEL + Class::Bitwise.index()] * row[cols::N];
        let shift = [Class::Shl, Class::Shr, Class::Sar]
            .into_iter()
            .find(|c| row[cols::SEL + c.index()] == 1);
        let b_word: Limbs = core::array::from_fn(|i| row[cols::B + i]);
        let r = row[cols::SHIFT_R] + 2 * row[cols::SHIFT_R + 1] + 4 * row[cols::SHIFT_R + 2];
        for (k, v) in byte_values(row).into_iter().enumerate() {
            match (bus::bitwise_src(k), shift) {
                (Some((i, hi)), _) if op != 0 => {
                    let shift = if hi { 8 } else { 0 };
                    let x = (row[cols::A + i] >> shift) as u8;
                    let y = (row[cols::B + i] >> shift) as u8;
                    *bitwise.entry((op as u8, x, y)).or_insert(0) += 1;
                }
                (Some((i, hi)), Some(class)) => {
                    let p = 2 * i + usize::from(hi);
                    let sign = row[cols::SHIFT_SIGN] * u64::from(class == Class::Sar);
                    let key = shift_operands(class, r, &b_word, sign, p);
                    *bitwise.entry(key).or_insert(0) += 1;
                }
                _ => *bytes.get_mut(v as usize).ok_or(Error::TooLong)? += 1,
            }
        }
    }
    if bitwise.len() > verifier::limits::MAX_BITWISE_ENTRIES as usize {
        return Err(Error::TooLong);
    }
    let bitwise = bitwise
        .into_iter()
        .map(|((op, a, b), m)| BitwiseCount { op, a, b, m })
        .collect();
    Ok((bytes, bitwise))
}

/// Recomputes the byte and bitwise multiplicities of a (possibly edited)
/// trace from its columns, so that a forged value that is still a byte
/// leaves the byte bus balanced and only the constraints can catch it.
/// An `Err` when a looked-up value is not a byte.
pub fn recount_bytes(t: &mut MainTrace) -> Result<(), Error> {
    let len = t.columns.first().map_or(0, Vec::len);
    let rows: Vec<Row> = (0..len.saturating_sub(1))
        .map(|r| core::array::from_fn(|j| t.columns[j][r].as_int()))
        .collect();
    let (bytes, bitwise) = byte_counts(&rows)?;
    t.counts.bytes = bytes;
    t.counts.bitwise = bitwise;
    Ok(())
}

/// The byte values of a row's range checks, in bus order (see `verifier::bus::row_fracs`).
fn byte_values(row: &Row) -> [u64; BYTE_FRACS] {
    core::array::from_fn(|k| match bus::byte_src(k) {
        ByteSrc::Col(at) => row[at],
        ByteSrc::RLo(i) => row[cols::R + i] & 0xff,
    })
}
