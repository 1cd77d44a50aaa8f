//! Public inputs of a proved execution and the tables the verifier builds from them.

use alloc::vec::Vec;

use winter_math::fields::f64::BaseElement;
use winter_math::{FieldElement, ToElements};

use crate::bus::{Challenges, TAG_BYTE, TAG_CALLDATA, TAG_CODE, TAG_MEMORY, TAG_RETURN};
use crate::cols::LIMBS;
use crate::error::Error;
use crate::opcodes;

/// Gas of a transaction before any code runs (Cancun: no access list, a call).
pub const TX_BASE_GAS: u64 = 21_000;
/// Calldata gas per zero byte.
pub const TX_ZERO_BYTE_GAS: u64 = 4;
/// Calldata gas per non-zero byte.
pub const TX_NONZERO_BYTE_GAS: u64 = 16;
/// Largest gas limit the AIR's 32-bit gas column can hold.
pub const MAX_GAS: u64 = u32::MAX as u64;

/// How the execution ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Status {
    /// STOP (or the end of the code).
    Success = 1,
    /// REVERT.
    Revert = 2,
}

/// The statement a proof proves: "running `code` with this call yields this result".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicInputs {
    /// The called account's code.
    pub code: Vec<u8>,
    /// Calldata.
    pub calldata: Vec<u8>,
    /// CALLER (and ORIGIN: the transaction's sender at depth 0).
    pub caller: [u8; 20],
    /// ADDRESS: the called account.
    pub address: [u8; 20],
    /// CALLVALUE, big-endian.
    pub value: [u8; 32],
    /// Transaction gas limit.
    pub gas_limit: u64,
    /// Gas used by the transaction (intrinsic gas included).
    pub gas_used: u64,
    /// Exit status.
    pub status: Status,
    /// Return data.
    pub return_data: Vec<u8>,
}

/// Prover-supplied multiplicities of the verifier's own tables, bound into the transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counts {
    /// Times each instruction of the code ran, in code order, then the implicit STOP.
    pub code: Vec<u32>,
    /// Times each byte value was range-checked.
    pub bytes: Vec<u32>,
    /// Times CALLDATALOAD read each offset `0..=calldata.len()`.
    pub calldata: Vec<u32>,
    /// Memory words the execution touched (its final `MSIZE / 32`): the
    /// verifier emits a zero token stamped 0 for each, the final rows consume them.
    pub memory_words: u32,
    /// The entries `(op, a, b)` of the bitwise table AND/OR/XOR and
    /// SHL/SHR/SAR rows looked up, with their multiplicities (at most `limits::MAX_BITWISE_ENTRIES`):
    /// the verifier computes each `op(a, b)` itself.
    pub bitwise: Vec<BitwiseCount>,
}

/// One entry of the bitwise table and the times it was looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BitwiseCount {
    /// Operation: AND 1, OR 2, XOR 3, a shift by `r` bits 8 + r (left) or
    /// 16 + r (right) (`opcodes::bitwise`).
    pub op: u8,
    /// First operand byte.
    pub a: u8,
    /// Second operand byte.
    pub b: u8,
    /// Multiplicity.
    pub m: u32,
}

impl BitwiseCount {
    /// `op | a << 8 | b << 16`: the entry as one field element of the transcript.
    pub fn key(&self) -> u64 {
        u64::from(self.op) | u64::from(self.a) << 8 | u64::from(self.b) << 16
    }
}

/// What winterfell sees: the statement and the table multiplicities.
#[derive(Debug, Clone)]
pub struct AirInputs {
    /// The statement.
    pub public: PublicInputs,
    /// The multiplicities.
    pub counts: Counts,
}

/// One instruction boundary of the code, as the bytecode table holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeRow {
    /// pc.
    pub pc: u32,
    /// Opcode (0 for the implicit STOP past the end).
    pub op: u8,
    /// Class id (0: not constrained).
    pub class_id: u64,
    /// Parameter n.
    pub n: u8,
    /// Next pc.
    pub npc: u32,
    /// Immediate (PUSH data, or the constant of an `Env` opcode), 16-bit limbs.
    pub imm: [u64; LIMBS],
}

/// A big-endian word as 16-bit limbs, least significant first.
pub fn limbs_be(bytes: &[u8]) -> [u64; LIMBS] {
    let mut out = [0u64; LIMBS];
    for (k, b) in bytes.iter().rev().enumerate().take(2 * LIMBS) {
        if let Some(l) = out.get_mut(k / 2) {
            *l |= u64::from(*b) << (8 * (k % 2));
        }
    }
    out
}

fn small(v: u64) -> [u64; LIMBS] {
    limbs_be(&v.to_be_bytes())
}

impl PublicInputs {
    /// Intrinsic gas of the call (Cancun, no access list).
    pub fn intrinsic_gas(&self) -> u64 {
        let zeros = self.calldata.iter().filter(|b| **b == 0).count() as u64;
        let nonzeros = self.calldata.len() as u64 - zeros;
        TX_BASE_GAS + TX_ZERO_BYTE_GAS * zeros + TX_NONZERO_BYTE_GAS * nonzeros
    }

    /// Gas of the frame at its first instruction, and at its end.
    pub fn frame_gas(&self) -> Result<(u64, u64), Error> {
        if self.gas_limit > MAX_GAS {
            return Err(Error::GasLimitTooLarge {
                got: self.gas_limit,
                max: MAX_GAS,
            });
        }
        let intrinsic = self.intrinsic_gas();
        if self.gas_used < intrinsic || self.gas_used > self.gas_limit {
            return Err(Error::GasUsedOutOfRange);
        }
        Ok((self.gas_limit - intrinsic, self.gas_limit - self.gas_used))
    }

    fn env_imm(&self, op: u8, pc: usize) -> [u64; LIMBS] {
        match op {
            0x30 => limbs_be(&self.address),
            0x32 | 0x33 => limbs_be(&self.caller),
            0x34 => limbs_be(&self.value),
            0x36 => small(self.calldata.len() as u64),
            0x38 => small(self.code.len() as u64),
            0x58 => small(pc as u64),
            _ => [0; LIMBS],
        }
    }

    /// The bytecode table: every instruction boundary, then the implicit STOP
    /// (at the code's length, or after a PUSH truncated by the end).
    pub fn code_table(&self) -> Vec<CodeRow> {
        let mut rows = Vec::new();
        let mut pc = 0usize;
        let code = &self.code;
        // Ends with the STOP the interpreter fetches past the end of the code,
        // which follows a truncated PUSH at its next pc (possibly beyond len).
        loop {
            let op = code.get(pc).copied().unwrap_or(0);
            let past_end = pc >= code.len();
            let push = if (0x60..=0x7f).contains(&op) {
                usize::from(op - 0x5f)
            } else {
                0
            };
            let (class_id, n) = match opcodes::info(op) {
                Some(i) => (i.class.id(), i.n),
                None => (0, 0),
            };
            let imm = match opcodes::info(op).map(|i| i.class) {
                Some(opcodes::Class::Push) => {
                    let mut w = [0u8; 32];
                    for k in 0..push {
                        if let (Some(dst), Some(src)) =
                            (w.get_mut(32 - push + k), code.get(pc + 1 + k))
                        {
                            *dst = *src;
                        }
                    }
                    limbs_be(&w)
                }
                Some(opcodes::Class::Env) => self.env_imm(op, pc),
                _ => [0; LIMBS],
            };
            rows.push(CodeRow {
                pc: pc as u32,
                op,
                class_id,
                n,
                npc: (pc + 1 + push) as u32,
                imm,
            });
            if past_end {
                break;
            }
            pc += 1 + push;
        }
        rows
    }
}

/// The calldata word at `offset` (zero-padded past the end).
pub fn calldata_word(calldata: &[u8], offset: usize) -> [u64; LIMBS] {
    let mut w = [0u8; 32];
    for (k, dst) in w.iter_mut().enumerate() {
        if let Some(b) = offset.checked_add(k).and_then(|i| calldata.get(i)) {
            *dst = *b;
        }
    }
    limbs_be(&w)
}

/// Whether the AIR can prove `return_data`: empty, or one 32-byte word.
pub fn provable_return(return_data: &[u8]) -> bool {
    return_data.is_empty() || return_data.len() == 32
}

/// Expected final value of the running sum: `Σ m/den` over the verifier's
/// tables (bytecode, calldata, bytes, bitwise entries, initial memory,
/// returned word).
pub fn table_sum<E>(
    public: &PublicInputs,
    table: &[CodeRow],
    counts: &Counts,
    ch: &Challenges<E>,
) -> Result<E, Error>
where
    E: FieldElement<BaseField = BaseElement>,
{
    let calldata = &public.calldata;
    if !provable_return(&public.return_data) {
        return Err(Error::NotProvable);
    }
    if counts.calldata.len() != calldata.len() + 1 {
        return Err(Error::CountsShape);
    }
    if counts.code.len() != table.len() {
        return Err(Error::CountsShape);
    }
    if counts.bytes.len() != 256
        || counts.memory_words > crate::limits::MAX_MEMORY_WORDS
        || counts.bitwise.len() > crate::limits::MAX_BITWISE_ENTRIES as usize
    {
        return Err(Error::CountsShape);
    }
    let mut sum = E::ZERO;
    for (row, m) in table.iter().zip(&counts.code) {
        if *m == 0 {
            continue;
        }
        let head = [
            u64::from(row.pc),
            row.class_id,
            u64::from(row.n),
            u64::from(row.npc),
        ];
        let den = ch.den(
            TAG_CODE,
            head.iter()
                .chain(row.imm.iter())
                .map(|x| BaseElement::new(*x)),
        );
        if den == E::ZERO {
            return Err(Error::Degenerate);
        }
        sum += E::from(*m) / den;
    }
    for (off, m) in counts.calldata.iter().enumerate() {
        if *m == 0 {
            continue;
        }
        let w = calldata_word(calldata, off);
        let den = ch.den(
            TAG_CALLDATA,
            core::iter::once(off as u64).chain(w).map(BaseElement::new),
        );
        if den == E::ZERO {
            return Err(Error::Degenerate);
        }
        sum += E::from(*m) / den;
    }
    for (v, m) in counts.bytes.iter().enumerate() {
        if *m == 0 {
            continue;
        }
        let den = ch.den(TAG_BYTE, [BaseElement::new(v as u64)]);
        if den == E::ZERO {
            return Err(Error::Degenerate);
        }
        sum += E::from(*m) / den;
    }
    for e in &counts.bitwise {
        let r = opcodes::bitwise(e.op, e.a, e.b).ok_or(Error::CountsShape)?;
        if e.m == 0 {
            continue;
        }
        let den = ch.den(
            TAG_BYTE,
            [r, e.a, e.b, e.op].map(|x| BaseElement::new(u64::from(x))),
        );
        if den == E::ZERO {
            return Err(Error::Degenerate);
        }
        sum += E::from(e.m) / den;
    }
    for k in 0..counts.memory_words {
        let den = ch.den(
            TAG_MEMORY,
            [u64::from(k), 0]
                .into_iter()
                .chain([0; LIMBS])
                .map(BaseElement::new),
        );
        if den == E::ZERO {
            return Err(Error::Degenerate);
        }
        sum += den.inv();
    }
    if !public.return_data.is_empty() {
        let den = ch.den(
            TAG_RETURN,
            limbs_be(&public.return_data).map(BaseElement::new),
        );
        if den == E::ZERO {
            return Err(Error::Degenerate);
        }
        sum += den.inv();
    }
    Ok(sum)
}

fn push_bytes(out: &mut Vec<BaseElement>, bytes: &[u8]) {
    out.push(BaseElement::new(bytes.len() as u64));
    for chunk in bytes.chunks(4) {
        let mut w = [0u8; 4];
        w[..chunk.len()].copy_from_slice(chunk);
        out.push(BaseElement::new(u64::from(u32::from_le_bytes(w))));
    }
}

impl ToElements<BaseElement> for AirInputs {
    fn to_elements(&self) -> Vec<BaseElement> {
        let p = &self.public;
        let mut out = Vec::new();
        push_bytes(&mut out, &p.code);
        push_bytes(&mut out, &p.calldata);
        push_bytes(&mut out, &p.caller);
        push_bytes(&mut out, &p.address);
        push_bytes(&mut out, &p.value);
        out.push(BaseElement::new(p.gas_limit));
        out.push(BaseElement::new(p.gas_used));
        out.push(BaseElement::new(p.status as u64));
        push_bytes(&mut out, &p.return_data);
        for list in [&self.counts.code, &self.counts.bytes, &self.counts.calldata] {
            out.push(BaseElement::new(list.len() as u64));
            out.extend(list.iter().map(|m| BaseElement::new(u64::from(*m))));
        }
        out.push(BaseElement::new(u64::from(self.counts.memory_words)));
        out.push(BaseElement::new(self.counts.bitwise.len() as u64));
        for e in &self.counts.bitwise {
            out.push(BaseElement::new(e.key()));
            out.push(BaseElement::new(u64::from(e.m)));
        }
        out
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use alloc::vec;

    fn public(code: Vec<u8>) -> PublicInputs {
        PublicInputs {
            code,
            calldata: vec![0, 1, 2],
            caller: [0x11; 20],
            address: [0x22; 20],
            value: [0; 32],
            gas_limit: 100_000,
            gas_used: 21_036,
            status: Status::Success,
            return_data: vec![],
        }
    }

    #[test]
    fn code_table_skips_push_data_and_ends_with_the_implicit_stop() {
        // PUSH2 0x5b5b, JUMPDEST, MUL (unconstrained), PUSH32 truncated
        let t = public(vec![0x61, 0x5b, 0x5b, 0x5b, 0x02, 0x7f, 0xaa]).code_table();
        let pcs: Vec<u32> = t.iter().map(|r| r.pc).collect();
        assert_eq!(pcs, vec![0, 3, 4, 5, 38]);
        assert_eq!(t[0].imm[0], 0x5b5b);
        assert_eq!(t[0].npc, 3);
        assert_eq!(t[2].class_id, 0, "MUL is not constrained");
        // truncated PUSH32: the one byte present is the most significant
        assert_eq!(t[3].imm[15], 0xaa00);
        assert_eq!(t[4].op, 0);
        assert_eq!(t[4].class_id, opcodes::Class::Stop.id());
    }

    #[test]
    fn frame_gas_checks_the_range() {
        let p = public(vec![]);
        assert_eq!(p.intrinsic_gas(), 21_000 + 4 + 32);
        assert_eq!(p.frame_gas(), Ok((100_000 - 21_036, 100_000 - 21_036)));
        let mut q = p.clone();
        q.gas_used = 20_000;
        assert_eq!(q.frame_gas(), Err(Error::GasUsedOutOfRange));
        q.gas_limit = u64::from(u32::MAX) + 1;
        assert!(matches!(q.frame_gas(), Err(Error::GasLimitTooLarge { .. })));
    }

    #[test]
    fn limbs_are_little_endian_16_bit() {
        let mut w = [0u8; 32];
        w[31] = 0x34;
        w[30] = 0x12;
        w[0] = 0xff;
        let l = limbs_be(&w);
        assert_eq!(l[0], 0x1234);
        assert_eq!(l[15], 0xff00);
    }
}
