//! EVM execution on the device: a staged [`ExecQuery`] on the pre-state it carries.

use alloc::vec::Vec;
use core::fmt::Write;

use evm_core::{
    AccountInfo, BlockEnv, Evm, ExecStatus, HeapBuffers, Outcome, State, Tracer, TxEnv,
    KECCAK_EMPTY, U256,
};
use evm_state::InMemoryState;
use evm_trace::{Digest, NullSink, TraceWriter};
use protocol::limits::{MAX_EXEC_SLOTS, MAX_REASON};
use protocol::message::STORAGE_PAIR;
use protocol::{
    decode_exact, BlockQuery, ErrorCode, ExecOutcome, ExecQuery, ExecSummary, Rejection, Response,
    TraceDigest, TraceMode,
};

use crate::limits::{EVM_LIMITS, MAX_TX_GAS};
use crate::service::Platform;
use crate::uplink::Uplink;

/// Answer `Rejected` as `kind`, with `args` written into `reason` (or the
/// kind's own description if they do not fit).
pub(crate) fn reject<'r>(
    reason: &'r mut heapless::String<MAX_REASON>,
    kind: Rejection,
    args: core::fmt::Arguments<'_>,
) -> Response<'r> {
    reason.clear();
    if reason.write_fmt(args).is_err() {
        reason.clear();
        let _ = reason.push_str(kind.as_str());
    }
    Response::Rejected { kind, reason }
}

/// The kind of refusal for an EVM error: an invalid transaction, or a limit
/// of this device (never an EVM result).
fn rejection<E>(e: &evm_core::Error<E>) -> Rejection {
    match e {
        evm_core::Error::InvalidTx(_) => Rejection::InvalidTransaction,
        evm_core::Error::State(_) => Rejection::State,
        evm_core::Error::StepBudget => Rejection::TimeBudget,
        _ => Rejection::DeviceLimit,
    }
}

/// The EVM's block environment for a query's block values (the rest zero).
pub fn block_env(b: &BlockQuery) -> BlockEnv {
    BlockEnv {
        number: b.number,
        coinbase: b.coinbase,
        timestamp: b.timestamp,
        gas_limit: b.gas_limit,
        base_fee: U256::from_be_bytes(b.base_fee),
        chain_id: b.chain_id,
        ..BlockEnv::default()
    }
}

/// Build the pre-state of `query` on the heap; `Err` names a malformed account.
fn pre_state(query: &ExecQuery<'_>) -> Result<InMemoryState, usize> {
    let mut state = InMemoryState::new();
    for (index, account) in query.accounts.iter().enumerate() {
        let count = account.storage.len() / STORAGE_PAIR;
        if account.storage.len() % STORAGE_PAIR != 0 || count > MAX_EXEC_SLOTS {
            return Err(index);
        }
        let info = AccountInfo {
            nonce: account.nonce,
            balance: U256::from_be_bytes(account.balance),
            code_hash: KECCAK_EMPTY,
        };
        state.insert_account(account.address, info);
        if !account.code.is_empty() {
            state.set_code(account.address, Vec::from(account.code));
        }
        let (pairs, _) = account.storage.as_chunks::<STORAGE_PAIR>();
        for pair in pairs {
            let (slot, value) = pair.split_at(32);
            state.set_storage(
                account.address,
                U256::from_be_slice(slot),
                U256::from_be_slice(value),
            );
        }
    }
    Ok(state)
}

/// Decode the query in `staged`, run its transaction with
/// the board's [`EVM_LIMITS`] buffers (counting instructions on `platform`,
/// tracing as `trace` asks) and answer what it did; an invalid transaction or
/// a full device buffer is `Rejected` with the reason. Never inlined: its
/// frame (the EVM and the summary) exists only while it runs.
#[inline(never)]
pub fn execute_query<'r, P: Platform>(
    platform: &mut P,
    staged: &[u8],
    trace: TraceMode,
    reason: &'r mut heapless::String<MAX_REASON>,
) -> Response<'r> {
    let query: ExecQuery<'_> = match decode_exact(staged) {
        Ok(query) => query,
        Err(e) => return Response::Error(ErrorCode::BadStagedInput(e)),
    };
    let state = match pre_state(&query) {
        Ok(state) => state,
        Err(index) => {
            return reject(
                reason,
                Rejection::InvalidQuery,
                format_args!(
                    "account {index}: storage must be at most {MAX_EXEC_SLOTS} pairs of {STORAGE_PAIR} bytes"
                ),
            )
        }
    };
    let t = &query.tx;
    if t.gas_limit > MAX_TX_GAS {
        let kind = Rejection::GasAboveCap {
            got: t.gas_limit,
            limit: MAX_TX_GAS,
        };
        return reject(reason, kind, format_args!("{kind}"));
    }
    let block = block_env(&query.block);
    let tx = TxEnv {
        caller: t.caller,
        to: t.to,
        value: U256::from_be_bytes(t.value),
        data: t.data,
        gas_limit: t.gas_limit,
        nonce: t.nonce,
        max_fee_per_gas: U256::from_be_bytes(t.max_fee),
        max_priority_fee_per_gas: t.max_priority_fee.map(U256::from_be_bytes),
        ..TxEnv::default()
    };
    let mut buffers = HeapBuffers::new(&EVM_LIMITS);
    match trace {
        TraceMode::Off => {
            let mut evm = Evm::new(&state, buffers.buffers());
            let mut result = None;
            let measured = platform.measure(&mut || result = Some(evm.transact(&block, &tx)));
            summarize(&evm, result, Some(measured.instructions), None, reason)
        }
        TraceMode::Commit => {
            let writer = TraceWriter::new(NullSink);
            let mut evm = Evm::with_tracer(&state, buffers.buffers(), writer);
            let mut result = None;
            let measured = platform.measure(&mut || result = Some(evm.transact(&block, &tx)));
            match evm.tracer_mut().result() {
                Ok(d) => summarize(&evm, result, Some(measured.instructions), Some(d), reason),
                Err(e) => reject(reason, Rejection::Trace, format_args!("trace: {e}")),
            }
        }
        TraceMode::Stream => {
            let writer = TraceWriter::new(Uplink::new(platform));
            let mut evm = Evm::with_tracer(&state, buffers.buffers(), writer);
            let result = Some(evm.transact(&block, &tx));
            let flushed = evm.tracer_mut().sink_mut().flush();
            match flushed.and_then(|()| evm.tracer_mut().result()) {
                Ok(d) => summarize(&evm, result, None, Some(d), reason),
                Err(e) => reject(reason, Rejection::Trace, format_args!("trace: {e}")),
            }
        }
    }
}

/// The answer for a finished run: the summary, or `Rejected` when the
/// transaction was invalid or a device buffer ran out.
fn summarize<'r, T: Tracer>(
    evm: &Evm<'_, &InMemoryState, T>,
    result: Option<Result<Outcome, evm_core::Error<<&InMemoryState as State>::Error>>>,
    instructions: Option<u64>,
    digest: Option<Digest>,
    reason: &'r mut heapless::String<MAX_REASON>,
) -> Response<'r> {
    let outcome = match result {
        Some(Ok(outcome)) => outcome,
        Some(Err(e)) => return reject(reason, rejection(&e), format_args!("{e}")),
        None => {
            return reject(
                reason,
                Rejection::DeviceLimit,
                format_args!("execution did not run"),
            )
        }
    };
    let output = evm.output();
    let mut summary = ExecSummary::new(
        match outcome.status {
            ExecStatus::Success => ExecOutcome::Success,
            ExecStatus::Revert => ExecOutcome::Revert,
            ExecStatus::Halt(_) => ExecOutcome::Halt,
        },
        outcome.gas_used,
        outcome.gas_refunded,
        output,
        evm_core::keccak256(output),
        evm.logs().count(),
    );
    summary.instructions = instructions;
    summary.trace = digest.map(|d| TraceDigest {
        hash: d.hash,
        rows: d.rows,
        bytes: d.bytes,
    });
    for (address, slot, value) in evm.storage_changes() {
        let write = (address, slot.to_be_bytes::<32>(), value.to_be_bytes::<32>());
        if summary.writes.push(write).is_err() {
            return reject(
                reason,
                Rejection::DeviceLimit,
                format_args!("more than {} storage writes", summary.writes.capacity()),
            );
        }
    }
    Response::Executed(summary)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use protocol::{AccountQuery, TxQuery};

    const SENDER: [u8; 20] = [0xaa; 20];
    const RECIPIENT: [u8; 20] = [0xbb; 20];

    fn eth(n: u64) -> [u8; 32] {
        U256::from(n)
            .saturating_mul(U256::from(10u64.pow(18)))
            .to_be_bytes()
    }

    use crate::service::TestHost as Host;

    fn run(query: &ExecQuery<'_>) -> Response<'static> {
        let bytes = postcard::to_allocvec(query).unwrap();
        let reason = alloc::boxed::Box::leak(alloc::boxed::Box::new(heapless::String::new()));
        execute_query(&mut Host, &bytes, TraceMode::Off, reason)
    }

    #[test]
    fn a_transfer_succeeds() {
        match run(&transfer_query()) {
            Response::Executed(s) => {
                assert_eq!(s.status, ExecOutcome::Success);
                assert_eq!(s.gas_used, 21_000);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn gas_above_the_device_cap_is_refused_before_running() {
        let mut query = transfer_query();
        query.block.gas_limit = u64::MAX;
        query.tx.gas_limit = MAX_TX_GAS + 1;
        assert_eq!(
            run(&query),
            Response::Rejected {
                kind: Rejection::GasAboveCap {
                    got: MAX_TX_GAS + 1,
                    limit: MAX_TX_GAS
                },
                reason: "gas limit 16777217 above the device cap of 16777216",
            }
        );
        query.tx.gas_limit = MAX_TX_GAS;
        assert!(matches!(run(&query), Response::Executed(_)));
    }

    #[test]
    fn an_invalid_transaction_is_rejected_as_such() {
        let mut query = transfer_query();
        query.tx.nonce = 5;
        assert!(matches!(
            run(&query),
            Response::Rejected {
                kind: Rejection::InvalidTransaction,
                ..
            }
        ));
    }

    /// One ether from a funded account to an empty one, zero fees.
    pub(crate) fn transfer_query() -> ExecQuery<'static> {
        let mut accounts = heapless::Vec::new();
        let sender = AccountQuery {
            address: SENDER,
            nonce: 0,
            balance: eth(10),
            code: &[],
            storage: &[],
        };
        accounts.push(sender).unwrap();
        ExecQuery {
            block: BlockQuery {
                number: 1,
                timestamp: 1,
                gas_limit: 30_000_000,
                base_fee: [0; 32],
                coinbase: [0xcc; 20],
                chain_id: 1,
            },
            accounts,
            tx: TxQuery {
                caller: SENDER,
                to: Some(RECIPIENT),
                value: eth(1),
                data: &[],
                gas_limit: 21_000,
                nonce: 0,
                max_fee: [0; 32],
                max_priority_fee: None,
            },
        }
    }
}
