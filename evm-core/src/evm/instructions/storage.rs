//! SLOAD, SSTORE (EIP-2200/2929/3529 gas and refunds), TLOAD, TSTORE.

use crate::evm::machine::{Flow, Machine, Scope};
use crate::gas;
use crate::journal::Journal;
use crate::result::Halt;
use crate::state::{u256_is_zero, State};

/// SLOAD: cold or warm by the slot's access.
#[inline(always)]
pub(in crate::evm) fn sload<S: State>(
    m: &mut Machine<'_>,
    s: &Scope<'_, '_>,
    journal: &mut Journal<'_>,
    state: &S,
) -> Flow<S::Error> {
    let k = *m.top();
    let (v, cold) = journal.sload(state, s.account, &k)?;
    m.charge(if cold {
        gas::COLD_SLOAD
    } else {
        gas::WARM_ACCESS
    })?;
    *m.top() = v;
    Ok(())
}

/// SSTORE: the gas and refund follow the slot's original, current and new values.
#[inline(always)]
pub(in crate::evm) fn sstore<S: State>(
    m: &mut Machine<'_>,
    s: &Scope<'_, '_>,
    journal: &mut Journal<'_>,
    state: &S,
) -> Flow<S::Error> {
    if s.is_static {
        return Err(Halt::StaticViolation.into());
    }
    if m.gas <= gas::SSTORE_SENTRY {
        return Err(Halt::OutOfGas.into());
    }
    let k = m.pop();
    let v = m.pop();
    let slot = journal.sstore(state, s.account, &k, v)?;
    let mut cost = if slot.cold { gas::COLD_SLOAD } else { 0 };
    if slot.current == v {
        cost += gas::WARM_ACCESS;
    } else if slot.original == slot.current {
        if u256_is_zero(&slot.original) {
            cost += gas::SSTORE_SET;
        } else {
            cost += gas::SSTORE_RESET;
            if u256_is_zero(&v) {
                m.refund += gas::SSTORE_CLEARS_REFUND;
            }
        }
    } else {
        cost += gas::WARM_ACCESS;
        if !u256_is_zero(&slot.original) {
            if u256_is_zero(&slot.current) {
                m.refund -= gas::SSTORE_CLEARS_REFUND;
            } else if u256_is_zero(&v) {
                m.refund += gas::SSTORE_CLEARS_REFUND;
            }
        }
        if slot.original == v {
            let restored = if u256_is_zero(&slot.original) {
                gas::SSTORE_SET
            } else {
                gas::SSTORE_RESET
            };
            m.refund += (restored - gas::WARM_ACCESS) as i64;
        }
    }
    m.charge(cost)?;
    Ok(())
}

/// TSTORE (EIP-1153).
#[inline(always)]
pub(in crate::evm) fn tstore<E>(
    m: &mut Machine<'_>,
    s: &Scope<'_, '_>,
    journal: &mut Journal<'_>,
) -> Flow<E> {
    if s.is_static {
        return Err(Halt::StaticViolation.into());
    }
    let k = m.pop();
    let v = m.pop();
    journal.tstore(s.account, &k, v)?;
    Ok(())
}
