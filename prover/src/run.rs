//! Runs a call with evm-core under the [`Recorder`] and states what was run.

use evm_core::result::ExecStatus;
use evm_core::state::State;
use evm_core::{BlockEnv, Evm, HeapBuffers, Limits, TxEnv};
use verifier::public::{PublicInputs, Status};

use crate::{Error, Recorder};

/// Executes `tx` (a call) on `state` and returns its statement and the recording.
pub fn execute<S: State>(
    state: S,
    block: &BlockEnv,
    tx: &TxEnv<'_>,
) -> Result<(PublicInputs, Recorder), Error> {
    let to = tx.to.ok_or(Error::Calls)?;
    if !tx.access_list.is_empty() || !tx.blob_hashes.is_empty() {
        return Err(Error::GasMismatch);
    }
    let code = {
        let info = state
            .account(&to)
            .map_err(|_| Error::Backend("state: account".into()))?;
        match info {
            Some(a) => state
                .code(&a.code_hash)
                .map_err(|_| Error::Backend("state: code".into()))?
                .to_vec(),
            None => Vec::new(),
        }
    };
    let mut bufs = HeapBuffers::new(&Limits::HOST);
    let mut evm = Evm::with_tracer(state, bufs.buffers(), Recorder::default());
    let outcome = evm
        .transact(block, tx)
        .map_err(|e| Error::Backend(format!("transaction: {e}")))?;
    let output = evm.output().to_vec();
    let rec = core::mem::take(evm.tracer_mut());
    let status = match outcome.status {
        ExecStatus::Success => Status::Success,
        ExecStatus::Revert => Status::Revert,
        ExecStatus::Halt(_) => return Err(Error::NotStopped),
    };
    let public = PublicInputs {
        code,
        calldata: tx.data.to_vec(),
        caller: tx.caller,
        address: to,
        value: tx.value.to_be_bytes::<32>(),
        gas_limit: tx.gas_limit,
        gas_used: outcome.gas_used,
        status,
        return_data: output,
    };
    Ok((public, rec))
}
