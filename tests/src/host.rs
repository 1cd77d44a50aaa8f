//! The host's own reading of a device execution query: evm-core, evm-state and evm-trace run directly, not the firmware's code.
//!
//! This is what the device must answer, computed independently of the
//! firmware (a differential check of its query decoding, pre-state set-up,
//! environment and summary): the [`ExecQuery`] is read as the protocol
//! describes it, run with the QEMU board's EVM limits ([`Limits::DEVICE`])
//! and the device's gas cap ([`MAX_TX_GAS`]), and summarized as an
//! [`ExecSummary`]. Instruction counts are the device's alone (`None` here).

use evm_core::{
    AccountInfo, BlockEnv, Evm, ExecStatus, HeapBuffers, Limits, NoTracer, Outcome, State, Tracer,
    TxEnv, KECCAK_EMPTY, U256,
};
use evm_state::InMemoryState;
use evm_trace::{Digest, TraceWriter};
use protocol::limits::{MAX_EXEC_SLOTS, MAX_TX_GAS};
use protocol::message::STORAGE_PAIR;
use protocol::{
    decode_exact, BlockQuery, ErrorCode, ExecOutcome, ExecQuery, ExecSummary, Rejection,
    TraceDigest, TraceMode, TxQuery,
};

use crate::{Reply, Result};

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

/// The EVM's transaction environment for a query's transaction.
pub fn tx_env<'a>(t: &TxQuery<'a>) -> TxEnv<'a> {
    TxEnv {
        caller: t.caller,
        to: t.to,
        value: U256::from_be_bytes(t.value),
        data: t.data,
        gas_limit: t.gas_limit,
        nonce: t.nonce,
        max_fee_per_gas: U256::from_be_bytes(t.max_fee),
        max_priority_fee_per_gas: t.max_priority_fee.map(U256::from_be_bytes),
        ..TxEnv::default()
    }
}

/// The pre-state a query carries; `Err` names a malformed account (storage
/// not in whole `slot ‖ value` pairs, or more than [`MAX_EXEC_SLOTS`]).
pub fn pre_state(query: &ExecQuery<'_>) -> std::result::Result<InMemoryState, String> {
    let mut state = InMemoryState::new();
    for (index, account) in query.accounts.iter().enumerate() {
        let (pairs, rest) = account.storage.as_chunks::<STORAGE_PAIR>();
        if !rest.is_empty() || pairs.len() > MAX_EXEC_SLOTS {
            return Err(format!(
                "account {index}: storage must be at most {MAX_EXEC_SLOTS} pairs of {STORAGE_PAIR} bytes"
            ));
        }
        let info = AccountInfo {
            nonce: account.nonce,
            balance: U256::from_be_bytes(account.balance),
            code_hash: KECCAK_EMPTY,
        };
        state.insert_account(account.address, info);
        if !account.code.is_empty() {
            state.set_code(account.address, account.code.to_vec());
        }
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

fn rejected(kind: Rejection, reason: impl ToString) -> Reply {
    Reply::Rejected {
        kind,
        reason: reason.to_string(),
    }
}

/// The kind of refusal for an EVM error: an invalid transaction, or a limit
/// of the device (never an EVM result).
fn rejection<E>(e: &evm_core::Error<E>) -> Rejection {
    match e {
        evm_core::Error::InvalidTx(_) => Rejection::InvalidTransaction,
        evm_core::Error::State(_) => Rejection::State,
        evm_core::Error::StepBudget => Rejection::TimeBudget,
        _ => Rejection::DeviceLimit,
    }
}

/// Run the postcard-encoded [`ExecQuery`] `query` on the host as the device
/// should: the answer it must give for `trace`, and the trace rows it must
/// stream (empty unless `trace` is [`TraceMode::Stream`]).
pub fn execute(query: &[u8], trace: TraceMode) -> Result<(Reply, Vec<u8>)> {
    let query: ExecQuery<'_> = match decode_exact(query) {
        Ok(q) => q,
        Err(e) => return Ok((Reply::Error(ErrorCode::BadStagedInput(e)), Vec::new())),
    };
    let state = match pre_state(&query) {
        Ok(state) => state,
        Err(why) => return Ok((rejected(Rejection::InvalidQuery, why), Vec::new())),
    };
    if query.tx.gas_limit > MAX_TX_GAS {
        let kind = Rejection::GasAboveCap {
            got: query.tx.gas_limit,
            limit: MAX_TX_GAS,
        };
        return Ok((rejected(kind, kind), Vec::new()));
    }
    let block = block_env(&query.block);
    let tx = tx_env(&query.tx);
    let mut buffers = HeapBuffers::new(&Limits::DEVICE);
    let mut rows = Vec::new();
    let reply = match trace {
        TraceMode::Off => {
            let mut evm = Evm::with_tracer(&state, buffers.buffers(), NoTracer);
            let result = evm.transact(&block, &tx);
            summarize(&evm, result, None)
        }
        TraceMode::Commit | TraceMode::Stream => {
            let mut evm = Evm::with_tracer(&state, buffers.buffers(), TraceWriter::new(&mut rows));
            let result = evm.transact(&block, &tx);
            match evm.tracer_mut().result() {
                Ok(d) => summarize(&evm, result, Some(d)),
                Err(e) => rejected(Rejection::Trace, format!("trace: {e}")),
            }
        }
    };
    if trace != TraceMode::Stream {
        rows.clear();
    }
    Ok((reply, rows))
}

/// The answer for a finished run: the summary, or `Rejected` when the
/// transaction was invalid or a device buffer ran out.
fn summarize<T: Tracer>(
    evm: &Evm<'_, &InMemoryState, T>,
    result: std::result::Result<Outcome, evm_core::Error<<&InMemoryState as State>::Error>>,
    digest: Option<Digest>,
) -> Reply {
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(e) => return rejected(rejection(&e), e),
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
        evm_core::evm::keccak256(output),
        evm.logs().count(),
    );
    summary.trace = digest.map(|d| TraceDigest {
        hash: d.hash,
        rows: d.rows,
        bytes: d.bytes,
    });
    for (address, slot, value) in evm.storage_changes() {
        let write = (address, slot.to_be_bytes::<32>(), value.to_be_bytes::<32>());
        if summary.writes.push(write).is_err() {
            return rejected(
                Rejection::DeviceLimit,
                format!("more than {} storage writes", summary.writes.capacity()),
            );
        }
    }
    Reply::Executed(Box::new(summary))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::traces::{known_answer_case, KNOWN_ANSWER_COMMITMENT, KNOWN_ANSWER_SIZE};

    fn executed(reply: Reply) -> Box<ExecSummary> {
        match reply {
            Reply::Executed(s) => s,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_known_answer_program_gives_its_commitment_in_every_mode() {
        let query = known_answer_case().query_bytes().unwrap();
        let (off, none) = execute(&query, TraceMode::Off).unwrap();
        let (commit, none_either) = execute(&query, TraceMode::Commit).unwrap();
        let (stream, rows) = execute(&query, TraceMode::Stream).unwrap();
        assert!(none.is_empty() && none_either.is_empty());
        let (off, commit, stream) = (executed(off), executed(commit), executed(stream));
        assert_eq!(off.status, ExecOutcome::Success);
        assert_eq!(off.trace, None);
        let digest = stream.trace.unwrap();
        assert_eq!(commit.trace, Some(digest));
        assert_eq!(digest.hash, KNOWN_ANSWER_COMMITMENT);
        assert_eq!((digest.rows, digest.bytes), KNOWN_ANSWER_SIZE);
        assert_eq!(rows.len() as u64, digest.bytes);
        crate::traces::check_rows(&rows, &digest).unwrap();
        for s in [&commit, &stream] {
            assert_eq!(
                (s.status, s.gas_used, s.output_hash, &s.writes),
                (off.status, off.gas_used, off.output_hash, &off.writes)
            );
        }
        // 5 written to slot 1 of the contract.
        assert_eq!(off.writes.len(), 1);
        assert_eq!(off.output_len, 32);
    }

    #[test]
    fn malformed_queries_and_gas_above_the_cap_are_refused_as_a_device_does() {
        let (reply, _) = execute(&[0xff; 3], TraceMode::Off).unwrap();
        assert!(matches!(reply, Reply::Error(ErrorCode::BadStagedInput(_))));
        let mut case = known_answer_case();
        case.gas_limit = MAX_TX_GAS + 1;
        let (reply, _) = execute(&case.query_bytes().unwrap(), TraceMode::Off).unwrap();
        assert!(matches!(
            reply,
            Reply::Rejected {
                kind: Rejection::GasAboveCap { .. },
                ..
            }
        ));
        case.gas_limit = 100_000;
        case.nonce = 7;
        let (reply, _) = execute(&case.query_bytes().unwrap(), TraceMode::Off).unwrap();
        assert!(matches!(
            reply,
            Reply::Rejected {
                kind: Rejection::InvalidTransaction,
                ..
            }
        ));
    }
}
