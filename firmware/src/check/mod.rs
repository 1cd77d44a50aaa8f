//! Checking before signing: execute a transaction on a proven pre-state and report what it does.
//!
//! [`simulate`] decodes a [`protocol::witness::Witness`], verifies every
//! proof against its state root, builds the proven state and runs the
//! transaction in `evm-core` (Osaka) with a call tracer. The result is a
//! bounded [`Report`] ([`Report::render`] writes its display lines) or a
//! typed [`Refusal`]: a witness that does not verify, a key it lacks
//! (`witness incomplete: …`), or a device limit (`cannot simulate: …`);
//! never a guess.

pub mod boxed;
pub mod calls;
pub mod render;
pub mod report;
pub mod state;
pub mod verify;
pub mod wire;

#[cfg(test)]
pub(crate) mod tests;

use alloc::vec::Vec;
use core::fmt;

use evm_core::evm::authorization::delegation_target;
use evm_core::{
    AccessListItem, AccountChange, Address, BlockEnv, Evm, ExecStatus, HeapBuffers, Spec, State,
    B256, U256,
};
use protocol::run_env::{authorization, block_env, tx_env};
use protocol::witness::Witness;
use wallet::tx::TxType;
use wallet::Transaction;

pub use boxed::Boxed;
pub use calls::CallTracer;
pub use report::{
    BalanceChange, Call, CallKind, Outcome, ProxySlot, Report, RevertReason, ShownBlock,
    StorageChange, TokenEvent, TokenEventKind, Warning,
};
pub use state::{Missing, Proven, ReadError};

use crate::limits::{EVM_LIMITS, MAX_TX_GAS};

/// Why a witness is refused before anything runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadWitness {
    /// The bytes are not a witness (or exceed a limit of the format).
    Decode(protocol::FrameError),
    /// A proof names a node the witness does not have.
    NodeIndex {
        /// The index.
        index: u8,
    },
    /// A slot names an account the witness does not have.
    AccountIndex {
        /// The index.
        index: u8,
    },
    /// A proof longer than `protocol::limits::MAX_WITNESS_PROOF_DEPTH`.
    ProofTooDeep,
    /// An account proof does not verify against the root.
    AccountProof {
        /// The account.
        address: Address,
        /// Why.
        error: evm_state::Error,
    },
    /// A storage proof does not verify against its account's storage root.
    SlotProof {
        /// The account.
        address: Address,
        /// The slot.
        slot: U256,
        /// Why.
        error: evm_state::Error,
    },
    /// An account or a slot is proven twice.
    Repeated,
    /// A node no proof uses.
    UnusedNode {
        /// Its index.
        index: usize,
    },
    /// A code no proven account has (or given twice).
    UnusedCode {
        /// Its index.
        index: usize,
    },
    /// The witness' chain id is not the transaction's.
    ChainId {
        /// The witness' chain id.
        witness: u64,
    },
    /// Building the proven state failed.
    State(evm_state::Error),
}

/// A device limit that stops a simulation: its result is unknown here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// A buffer of the EVM (memory, stack, code, …).
    Evm(evm_core::Resource),
    /// A precompile this build does not compute.
    Precompile(u8),
    /// The transaction's gas limit is above the device cap.
    GasCap {
        /// The transaction's gas limit.
        got: u64,
    },
    /// The step budget ran out.
    Steps,
    /// More calls, changes or events than a report holds.
    Report,
    /// The heap cannot hold the simulation (the witness, the proven state,
    /// the transaction's lists).
    Memory,
}

/// Why [`simulate`] gives no report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The witness is malformed or does not verify (a wrong root, a changed node).
    BadWitness(BadWitness),
    /// The transaction reads a key the witness does not prove.
    Incomplete(Missing),
    /// A device limit was hit.
    CannotSimulate(Limit),
    /// The transaction is invalid on this pre-state (nonce, funds, fees…).
    InvalidTx(evm_core::InvalidTx),
    /// The proven state failed otherwise (a malformed leaf value).
    State(evm_state::Error),
}

impl From<BadWitness> for Refusal {
    fn from(e: BadWitness) -> Self {
        Self::BadWitness(e)
    }
}

impl From<ReadError> for Refusal {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::Missing(m) => Self::Incomplete(m),
            ReadError::State(s) => Self::State(s),
        }
    }
}

impl From<evm_core::Error<ReadError>> for Refusal {
    fn from(e: evm_core::Error<ReadError>) -> Self {
        match e {
            evm_core::Error::InvalidTx(t) => Self::InvalidTx(t),
            evm_core::Error::Capacity(r) => Self::CannotSimulate(Limit::Evm(r)),
            evm_core::Error::State(s) => s.into(),
            evm_core::Error::PrecompileUnavailable(p) => Self::CannotSimulate(Limit::Precompile(p)),
            evm_core::Error::StepBudget => Self::CannotSimulate(Limit::Steps),
            _ => Self::CannotSimulate(Limit::Report),
        }
    }
}

/// The owned lists of a transaction in `evm-core`'s shape.
struct TxLists {
    keys: Vec<B256>,
    access: Vec<(Address, usize, usize)>,
    blobs: Vec<B256>,
    auths: Vec<evm_core::Authorization>,
}

impl TxLists {
    fn new(tx: &Transaction<'_>) -> Result<Self, Refusal> {
        let oom = Refusal::CannotSimulate(Limit::Memory);
        let mut keys = Vec::new();
        let mut access = Vec::new();
        keys.try_reserve_exact(tx.access_list.storage_keys())
            .map_err(|_| oom)?;
        access
            .try_reserve_exact(tx.access_list.addresses())
            .map_err(|_| oom)?;
        for (address, slots) in tx.access_list.iter() {
            let start = keys.len();
            keys.extend(slots);
            access.push((address, start, keys.len()));
        }
        let mut blobs = Vec::new();
        blobs
            .try_reserve_exact(tx.blob_hashes.len())
            .map_err(|_| oom)?;
        blobs.extend(tx.blob_hashes.iter());
        let mut auths = Vec::new();
        auths
            .try_reserve_exact(tx.authorizations.len())
            .map_err(|_| oom)?;
        auths.extend(tx.authorizations.iter().map(|a| authorization(&a)));
        Ok(Self {
            keys,
            access,
            blobs,
            auths,
        })
    }

    fn items(&self) -> Result<Vec<AccessListItem<'_>>, Refusal> {
        let mut items = Vec::new();
        items
            .try_reserve_exact(self.access.len())
            .map_err(|_| Refusal::CannotSimulate(Limit::Memory))?;
        for &(address, start, end) in &self.access {
            items.push(AccessListItem {
                address,
                storage_keys: self.keys.get(start..end).unwrap_or(&[]),
            });
        }
        Ok(items)
    }
}

/// The fee the sender pays for `gas_used` (and its blobs) in `block`.
fn fee(tx: &Transaction<'_>, block: &BlockEnv, gas_used: u64, blob_fee_fraction: u64) -> U256 {
    let price = match tx.tx_type {
        TxType::Legacy | TxType::Eip2930 => tx.max_fee_per_gas,
        _ => tx
            .max_fee_per_gas
            .min(block.base_fee.saturating_add(tx.max_priority_fee_per_gas)),
    };
    let blob_gas = (tx.blob_hashes.len() as u64).saturating_mul(evm_core::gas::GAS_PER_BLOB);
    let blob_price = U256::from(evm_core::gas::blob_base_fee_with(
        block.excess_blob_gas,
        blob_fee_fraction,
    ));
    price
        .saturating_mul(U256::from(gas_used))
        .saturating_add(blob_price.saturating_mul(U256::from(blob_gas)))
}

/// Pushes onto a report list; a full list refuses the whole report.
fn push<T, const N: usize>(list: &mut heapless::Vec<T, N>, item: T) -> Result<(), Refusal> {
    list.push(item)
        .map_err(|_| Refusal::CannotSimulate(Limit::Report))
}

/// Runs `tx` from `sender` on the state proven by `witness` and reports what it does.
///
/// `tx` is the decoded unsigned transaction, `sender` the address the device
/// would sign with, `witness` the postcard bytes of a
/// [`protocol::witness::Witness`] (borrowed: proof nodes and codes are not copied).
/// Heap: the decoded witness (~5 KiB), the proven state (~13 KiB of
/// tables, plus the witness' size and 112 bytes a node), the EVM buffers of
/// the board ([`crate::limits::EVM_LIMITS`]), the call tracer (~6 KiB) and
/// the report (about 11 KiB), all freed on return but the report. The stack
/// holds none of them: a heap too full for one is `cannot simulate: out of
/// memory`.
pub fn simulate(
    tx: &Transaction<'_>,
    sender: &Address,
    witness: &[u8],
) -> Result<Boxed<Report>, Refusal> {
    let w = decode_witness(tx, witness)?;
    let state = verify::verify(&w)?;
    run(tx, sender, &w, &state)
}

/// The first part of [`simulate`]: the witness decoded (on the heap: its
/// bounded lists take ~5 KiB), and the checks that need no proof (its chain
/// id is the transaction's, the gas limit within the device cap).
/// [`verify::verify`] then gives the proven state for [`run`].
#[inline(never)]
pub fn decode_witness<'w>(
    tx: &Transaction<'_>,
    witness: &'w [u8],
) -> Result<Boxed<Witness<'w>>, Refusal> {
    let w = Witness::decode(witness).map_err(BadWitness::Decode)?;
    if let Some(chain) = tx.chain_id {
        if chain != U256::from(w.block.chain_id) {
            return Err(BadWitness::ChainId {
                witness: w.block.chain_id,
            }
            .into());
        }
    }
    if tx.gas_limit > MAX_TX_GAS {
        return Err(Refusal::CannotSimulate(Limit::GasCap { got: tx.gas_limit }));
    }
    Boxed::try_new(w).ok_or(Refusal::CannotSimulate(Limit::Memory))
}

/// The last part of [`simulate`]: runs `tx` from `sender` on `state`, which
/// [`verify::verify`] built from `w`, and reports what it does.
#[inline(never)]
pub fn run(
    tx: &Transaction<'_>,
    sender: &Address,
    w: &Witness<'_>,
    state: &Proven<'_>,
) -> Result<Boxed<Report>, Refusal> {
    let b = &w.block;
    let block = block_env(b);
    let lists = TxLists::new(tx)?;
    let access = lists.items()?;
    let env = tx_env(tx, sender, &access, &lists.blobs, &lists.auths);
    let oom = Refusal::CannotSimulate(Limit::Memory);
    let mut buffers = HeapBuffers::new(&EVM_LIMITS);
    let tracer = Boxed::try_new(CallTracer::new(tx.to.unwrap_or_default())).ok_or(oom)?;
    let mut evm = Evm::with_tracer(state, buffers.buffers(), tracer);
    evm.set_spec(Spec::Osaka);
    let outcome = evm.transact(&block, &env)?;
    let mut report = Report::boxed(ShownBlock {
        number: b.number,
        state_root: b.state_root,
        timestamp: b.timestamp,
        base_fee: block.base_fee,
        coinbase: b.coinbase,
    })
    .ok_or(oom)?;
    report.outcome = match outcome.status {
        ExecStatus::Success => Outcome::Success,
        ExecStatus::Revert => Outcome::Revert(report::revert_reason(evm.output())),
        ExecStatus::Halt(h) => Outcome::Halt(h),
    };
    report.gas_used = outcome.gas_used;
    report.fee = fee(
        tx,
        &block,
        outcome.gas_used,
        evm.blob_params().update_fraction,
    );
    report.created = outcome.created;
    collect(&mut evm, state, &mut report)?;
    Ok(report)
}

/// Fills the changes, events, calls and warnings of a finished run into `report`.
fn collect(
    evm: &mut Evm<'_, &Proven<'_>, Boxed<CallTracer>>,
    state: &Proven<'_>,
    report: &mut Report,
) -> Result<(), Refusal> {
    for change in evm.changes() {
        let (address, after, code) = match change {
            AccountChange::Deleted(a) => (a, U256::ZERO, None),
            AccountChange::Updated {
                address,
                info,
                code,
                ..
            } => (address, info.balance, code),
        };
        let pre = state.account(&address)?;
        let before = pre.map_or(U256::ZERO, |a| a.balance);
        if before != after {
            push(
                &mut report.balances,
                BalanceChange {
                    address,
                    before,
                    after,
                },
            )?;
        }
        if let Some(delegate) = code.and_then(delegation_target) {
            let new = pre.is_none_or(|a| a.code_hash != evm_core::keccak256(code.unwrap_or(&[])));
            if new && delegate != [0; 20] {
                push(
                    &mut report.warnings,
                    Warning::NewDelegation {
                        authority: address,
                        delegate,
                    },
                )?;
            }
        }
    }
    for (address, slot, new) in evm.storage_changes() {
        // A contract created here starts from empty storage (the EVM reads no
        // pre-state value for it, so neither may the report).
        let created = evm.changes().any(|c| {
            matches!(c, AccountChange::Updated { address: a, storage_cleared: true, .. } if a == address)
        });
        let old = if created {
            U256::ZERO
        } else {
            state.storage(&address, &slot)?
        };
        if old == new {
            continue;
        }
        push(
            &mut report.storage,
            StorageChange {
                address,
                slot,
                old,
                new,
            },
        )?;
        if let Some(which) = ProxySlot::of(&slot) {
            push(
                &mut report.warnings,
                Warning::ProxySlotWrite {
                    address,
                    slot: which,
                    old,
                    new,
                },
            )?;
        }
    }
    for (token, topics, data) in evm.logs() {
        let Some(event) = report::token_event(token, topics, data) else {
            continue;
        };
        push(&mut report.tokens, event)?;
        if event.kind == TokenEventKind::Approval && event.amount == U256::MAX {
            push(
                &mut report.warnings,
                Warning::UnlimitedApproval {
                    token: event.token,
                    owner: event.from,
                    spender: event.to,
                },
            )?;
        }
    }
    let tracer = evm.tracer_mut();
    if tracer.overflow {
        return Err(Refusal::CannotSimulate(Limit::Report));
    }
    report
        .calls
        .extend_from_slice(&tracer.calls)
        .map_err(|_| Refusal::CannotSimulate(Limit::Report))?;
    for w in &tracer.warnings {
        push(&mut report.warnings, *w)?;
    }
    Ok(())
}

impl fmt::Display for Limit {
    /// As the host shows it ([`protocol::SimLimit`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        protocol::SimLimit::from(*self).fmt(f)
    }
}
