//! The account, call, transaction and block environment: BALANCE, CALLDATA*, the copies, EXTCODE*, BLOCKHASH, BLOBHASH.

use crate::evm::machine::{Done, Flow, Machine, Scope};
use crate::evm::{copy_padded, ext_code};
use crate::gas;
use crate::journal::Journal;
use crate::primitives::{as_u64_sat, u256_to_addr};
use crate::result::Halt;
use crate::state::{State, U256};

/// Accesses the account at the top word's address (EIP-2929 cold or warm
/// gas) and yields its cache index.
#[inline(always)]
fn access<S: State>(
    m: &mut Machine<'_>,
    journal: &mut Journal<'_>,
    state: &S,
    a: &U256,
) -> Result<u32, crate::evm::machine::Stop<S::Error>> {
    let (i, cold) = journal.access(state, &u256_to_addr(a))?;
    m.charge(if cold {
        gas::COLD_ACCOUNT_ACCESS
    } else {
        gas::WARM_ACCESS
    })?;
    Ok(i)
}

/// BALANCE.
#[inline(always)]
pub(in crate::evm) fn balance<S: State>(
    m: &mut Machine<'_>,
    journal: &mut Journal<'_>,
    state: &S,
) -> Flow<S::Error> {
    let a = *m.top();
    let i = access(m, journal, state, &a)?;
    *m.top() = journal.account(i).info.balance;
    Ok(())
}

/// EXTCODESIZE, or EXTCODEHASH (`hash`: 0 for an empty account).
#[inline(always)]
pub(in crate::evm) fn extcode_size_or_hash<S: State>(
    m: &mut Machine<'_>,
    s: &Scope<'_, '_>,
    journal: &mut Journal<'_>,
    state: &S,
    hash: bool,
) -> Flow<S::Error> {
    let a = *m.top();
    let i = access(m, journal, state, &a)?;
    let acct = journal.account(i);
    *m.top() = if !hash {
        U256::from(ext_code(state, s.arena, acct)?.len())
    } else if acct.info.is_empty() {
        U256::ZERO
    } else {
        U256::from_be_bytes(acct.info.code_hash)
    };
    Ok(())
}

/// EXTCODECOPY.
#[inline(always)]
pub(in crate::evm) fn extcodecopy<S: State>(
    m: &mut Machine<'_>,
    s: &Scope<'_, '_>,
    journal: &mut Journal<'_>,
    state: &S,
) -> Flow<S::Error> {
    let a = m.pop();
    let dst = m.pop();
    let src = m.pop();
    let len = m.pop();
    let i = access(m, journal, state, &a)?;
    let (o, l) = copy_range(m, &dst, &len)?;
    if l > 0 {
        let c = ext_code(state, s.arena, journal.account(i))?;
        copy_padded(&mut m.mem[o..o + l], c, as_u64_sat(&src));
    }
    Ok(())
}

/// CALLDATALOAD: the 32 input bytes at the top word's offset, zero-padded.
#[inline(always)]
pub(in crate::evm) fn calldataload(m: &mut Machine<'_>, s: &Scope<'_, '_>) {
    let off = *m.top();
    let mut w = [0u8; 32];
    copy_padded(&mut w, s.input, as_u64_sat(&off));
    *m.top() = U256::from_be_bytes(w);
}

/// The copy gas (3 a word) and the memory for `[dst, dst + len)`; counts its
/// words in the step budget.
#[inline(always)]
fn copy_range(
    m: &mut Machine<'_>,
    dst: &U256,
    len: &U256,
) -> Result<(usize, usize), crate::evm::machine::Fault> {
    m.charge(gas::copy_cost(as_u64_sat(len)))?;
    let (o, l) = m.expand(dst, len)?;
    m.work(gas::words(l as u64))?;
    Ok((o, l))
}

/// CALLDATACOPY, CODECOPY or RETURNDATACOPY (`source` the bytes copied
/// from, zero-padded; `bounded`: reading past its end halts).
#[inline(always)]
pub(in crate::evm) fn copy(m: &mut Machine<'_>, source: &[u8], bounded: bool) -> Done {
    let dst = m.pop();
    let src = m.pop();
    let len = m.pop();
    if bounded {
        let end = as_u64_sat(&src).saturating_add(as_u64_sat(&len));
        if end > source.len() as u64 {
            return Err(Halt::ReturnDataOutOfBounds.into());
        }
    }
    let (o, l) = copy_range(m, &dst, &len)?;
    if l > 0 {
        copy_padded(&mut m.mem[o..o + l], source, as_u64_sat(&src));
    }
    Ok(())
}

/// BLOCKHASH: one of the 256 blocks before this one, else 0.
#[inline(always)]
pub(in crate::evm) fn blockhash<S: State>(
    m: &mut Machine<'_>,
    s: &Scope<'_, '_>,
    state: &S,
) -> Flow<S::Error> {
    let cur = s.ctx.block.number;
    let n = as_u64_sat(m.top());
    *m.top() = if n < cur && cur - n <= 256 {
        U256::from_be_bytes(state.block_hash(n).map_err(crate::error::Error::State)?)
    } else {
        U256::ZERO
    };
    Ok(())
}

/// BLOBHASH: the transaction's blob versioned hash at the top word's index, else 0.
#[inline(always)]
pub(in crate::evm) fn blobhash(m: &mut Machine<'_>, s: &Scope<'_, '_>) {
    let i = as_u64_sat(m.top());
    *m.top() = usize::try_from(i)
        .ok()
        .and_then(|i| s.blob_hashes.get(i))
        .map_or(U256::ZERO, |h| U256::from_be_bytes(*h));
}
