//! Control flow and the stack: JUMP, JUMPI, PUSH1 to PUSH32, DUP, SWAP.

use crate::evm::machine::{Done, Machine, Scope};
use crate::primitives::as_u64_sat;
use crate::result::Halt;
use crate::state::{u256_is_zero, U256};

/// JUMP: to a JUMPDEST, else halts.
#[inline(always)]
pub(in crate::evm) fn jump(m: &mut Machine<'_>, s: &Scope<'_, '_>) -> Done {
    let d = m.pop();
    m.end_run()?;
    go(m, s, &d)
}

/// JUMPI: JUMP when the condition is not zero.
#[inline(always)]
pub(in crate::evm) fn jumpi(m: &mut Machine<'_>, s: &Scope<'_, '_>) -> Done {
    let d = m.pop();
    let c = m.pop();
    m.end_run()?;
    if u256_is_zero(&c) {
        return Ok(());
    }
    go(m, s, &d)
}

/// Continues at `d` when it is a JUMPDEST (bit `d` of the code's bitmap).
#[inline(always)]
fn go(m: &mut Machine<'_>, s: &Scope<'_, '_>, d: &U256) -> Done {
    let Some(d) = jump_target(s.jumpdests, d) else {
        return Err(Halt::InvalidJump.into());
    };
    m.pc = d;
    m.seg = d;
    Ok(())
}

/// The destination `d` when it is a JUMPDEST (bit `d` of the bitmap).
#[inline(always)]
fn jump_target(jumpdests: &[u8], d: &U256) -> Option<usize> {
    let d = usize::try_from(as_u64_sat(d)).ok()?;
    let byte = *jumpdests.get(d / 8)?;
    (byte & (1 << (d % 8)) != 0).then_some(d)
}

/// PUSH1.
#[inline(always)]
pub(in crate::evm) fn push1(m: &mut Machine<'_>, s: &Scope<'_, '_>) {
    m.push(U256::from(s.code.get(m.pc).copied().unwrap_or(0)));
    m.pc += 1;
}

/// PUSH2 to PUSH32: the `n` immediate bytes.
#[inline(always)]
pub(in crate::evm) fn push_n(m: &mut Machine<'_>, s: &Scope<'_, '_>, n: usize) {
    m.push(push_value(s.code, m.pc, n));
    m.pc += n;
}

/// The big-endian value of the `n` (2..=32) immediate bytes at `code[pc..]`,
/// read without an intermediate buffer. `code` carries [`crate::code::CODE_PADDING`] zero
/// bytes after its end, so `pc + 32` is in bounds for every push the loop
/// reaches; the fallbacks only keep the function total.
#[inline(always)]
fn push_value(code: &[u8], pc: usize, n: usize) -> U256 {
    if n <= 8 {
        let w: [u8; 8] = code
            .get(pc..pc + 8)
            .and_then(|s| s.try_into().ok())
            .unwrap_or([0; 8]);
        return U256::from(u64::from_be_bytes(w) >> (64 - 8 * n));
    }
    let w: [u8; 32] = code
        .get(pc..pc + 32)
        .and_then(|s| s.try_into().ok())
        .unwrap_or([0; 32]);
    let v = U256::from_be_bytes(w);
    if n == 32 {
        v
    } else {
        v >> (256 - 8 * n)
    }
}

/// DUP1 to DUP16: copies word `n` (from the top) onto the stack.
#[inline(always)]
pub(in crate::evm) fn dup(m: &mut Machine<'_>, n: usize) {
    let v = m.stack[m.sp - n];
    m.push(v);
}

/// SWAP1 to SWAP16: exchanges the top word with word `n + 1`.
#[inline(always)]
pub(in crate::evm) fn swap(m: &mut Machine<'_>, n: usize) {
    m.stack.swap(m.sp - 1, m.sp - 1 - n);
}
