//! The instructions that leave the frame: CREATE, CREATE2, the CALLs, RETURN, REVERT, SELFDESTRUCT.

use crate::evm::authorization::delegation_target;
use crate::evm::machine::{Fault, Machine, Scope, Stop};
use crate::evm::{ext_code, Action, CallKind};
use crate::gas;
use crate::journal::{Journal, CREATED, SELFDESTRUCTED};
use crate::limits;
use crate::primitives::{as_u64_sat, u256_to_addr};
use crate::result::{ExecStatus, Halt};
use crate::state::{u256_is_zero, State, KECCAK_EMPTY, U256};

/// What leaving the frame yields: the action for the frame driver.
type Leave<E> = Result<Action, Stop<E>>;

/// Cold or warm account-access gas (EIP-2929).
#[inline(always)]
const fn access_cost(cold: bool) -> u64 {
    if cold {
        gas::COLD_ACCOUNT_ACCESS
    } else {
        gas::WARM_ACCESS
    }
}

/// CREATE, or CREATE2 (`salted`): the initcode's gas, then all but a 64th
/// of the gas left to the child.
#[inline(always)]
pub(in crate::evm) fn create(
    m: &mut Machine<'_>,
    s: &Scope<'_, '_>,
    salted: bool,
) -> Result<Action, Fault> {
    if s.is_static {
        return Err(Halt::StaticViolation.into());
    }
    let value = m.pop();
    let off = m.pop();
    let len = m.pop();
    let salt = if salted { Some(m.pop()) } else { None };
    let l64 = as_u64_sat(&len);
    if l64 > limits::MAX_INITCODE_SIZE as u64 {
        return Err(Halt::InitcodeSizeLimit.into());
    }
    let w = gas::words(l64);
    m.charge(gas::INITCODE_WORD * w)?;
    if salted {
        m.charge(gas::KECCAK_WORD * w)?;
    }
    let (o, l) = m.expand(&off, &len)?;
    let child_gas = m.gas - m.gas / 64;
    m.gas -= child_gas;
    Ok(Action::Create {
        value,
        init_off: s.mem_base + o,
        init_len: l,
        salt,
        gas: child_gas,
    })
}

/// CALL, CALLCODE, DELEGATECALL or STATICCALL: memory for input and output,
/// access, delegation (EIP-7702) and value gas, then at most all but a 64th
/// of the gas left to the child.
#[inline(always)]
pub(in crate::evm) fn call<S: State>(
    m: &mut Machine<'_>,
    s: &Scope<'_, '_>,
    journal: &mut Journal<'_>,
    state: &S,
    kind: CallKind,
) -> Leave<S::Error> {
    let gas_arg = m.pop();
    let target = u256_to_addr(&m.pop());
    let value = if matches!(kind, CallKind::Call | CallKind::CallCode) {
        m.pop()
    } else {
        U256::ZERO
    };
    let in_off = m.pop();
    let in_len = m.pop();
    let out_off = m.pop();
    let out_len = m.pop();
    if kind == CallKind::Call && s.is_static && !u256_is_zero(&value) {
        return Err(Halt::StaticViolation.into());
    }
    let (io, il) = m.expand(&in_off, &in_len)?;
    let (oo, ol) = m.expand(&out_off, &out_len)?;
    let (ti, cold) = journal.access(state, &target)?;
    let mut cost = access_cost(cold);
    // EIP-7702: a delegated target runs its delegate's code; the delegate is
    // accessed (warm or cold) by the caller.
    let mut code_address = target;
    let mut delegated = false;
    if s.ctx.spec.is_prague() {
        let acct = journal.account(ti);
        if acct.info.code_hash != KECCAK_EMPTY {
            let code = ext_code(state, s.arena, acct)?;
            if let Some(d) = delegation_target(code) {
                let (_, dcold) = journal.access(state, &d)?;
                cost += access_cost(dcold);
                code_address = d;
                delegated = true;
            }
        }
    }
    if !u256_is_zero(&value) {
        cost += gas::CALL_VALUE;
        if kind == CallKind::Call && journal.account(ti).info.is_empty() {
            cost += gas::NEW_ACCOUNT;
        }
    }
    m.charge(cost)?;
    let avail = m.gas - m.gas / 64;
    let mut child_gas = as_u64_sat(&gas_arg).min(avail);
    m.gas -= child_gas;
    if !u256_is_zero(&value) {
        child_gas += gas::CALL_STIPEND;
    }
    Ok(Action::Call {
        kind,
        gas: child_gas,
        target,
        code_address,
        delegated,
        value,
        in_off: s.mem_base + io,
        in_len: il,
        ret_off: oo,
        ret_len: ol,
    })
}

/// RETURN or REVERT (`status`) with a memory range as output.
#[inline(always)]
pub(in crate::evm) fn ret(
    m: &mut Machine<'_>,
    s: &Scope<'_, '_>,
    status: ExecStatus,
) -> Result<Action, Fault> {
    let off = m.pop();
    let len = m.pop();
    let (o, l) = m.expand(&off, &len)?;
    Ok(Action::Exit {
        status,
        out_off: s.mem_base + o,
        out_len: l,
    })
}

/// SELFDESTRUCT (EIP-6780): moves the balance; deletes the account only
/// when created in this transaction.
#[inline(always)]
pub(in crate::evm) fn selfdestruct<S: State>(
    m: &mut Machine<'_>,
    s: &Scope<'_, '_>,
    journal: &mut Journal<'_>,
    state: &S,
) -> Leave<S::Error> {
    if s.is_static {
        return Err(Halt::StaticViolation.into());
    }
    let account = s.account;
    let target = u256_to_addr(&m.pop());
    let (ti, cold) = journal.access(state, &target)?;
    if cold {
        m.charge(gas::COLD_ACCOUNT_ACCESS)?;
    }
    let balance = journal.account(account).info.balance;
    if !u256_is_zero(&balance) && journal.account(ti).info.is_empty() {
        m.charge(gas::NEW_ACCOUNT)?;
    }
    let created = journal.account(account).flags & CREATED != 0;
    if ti != account {
        let tb = journal.account(ti).info.balance;
        journal.set_balance(ti, tb.saturating_add(balance))?;
        journal.set_balance(account, U256::ZERO)?;
    } else if created {
        journal.set_balance(account, U256::ZERO)?;
    }
    if created {
        journal.set_flags(account, SELFDESTRUCTED)?;
    }
    Ok(STOP)
}

/// STOP's exit (and SELFDESTRUCT's): success without output.
pub(in crate::evm) const STOP: Action = Action::Exit {
    status: ExecStatus::Success,
    out_off: 0,
    out_len: 0,
};
