//! LOG0 to LOG4: a log of the frame's address, its topics and a memory range.

use crate::evm::machine::{Flow, Machine, Scope};
use crate::gas;
use crate::journal::Journal;
use crate::primitives::as_u64_sat;
use crate::result::Halt;

/// LOG with `n` topics: 8 gas a data byte and a step a word.
#[inline(always)]
pub(in crate::evm) fn log<E>(
    m: &mut Machine<'_>,
    s: &Scope<'_, '_>,
    journal: &mut Journal<'_>,
    n: usize,
) -> Flow<E> {
    if s.is_static {
        return Err(Halt::StaticViolation.into());
    }
    let off = m.pop();
    let len = m.pop();
    m.charge(gas::LOG_DATA.saturating_mul(as_u64_sat(&len)))?;
    let (o, l) = m.expand(&off, &len)?;
    m.work(gas::words(l as u64))?;
    let mut topics = [[0u8; 32]; 4];
    for t in topics.iter_mut().take(n) {
        *t = m.pop().to_be_bytes::<32>();
    }
    journal.log(s.address, &topics[..n], &m.mem[o..o + l])?;
    Ok(())
}
