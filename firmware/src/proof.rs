//! EIP-1186 proof checking on the device: a staged [`ProofQuery`] against its state root.

use evm_state::proof::{verify_eip1186, StorageProof};
use evm_state::U256;
use protocol::limits::{MAX_QUERY_SLOTS, MAX_REASON};
use protocol::{decode_exact, ErrorCode, ProofQuery, ProvenAccount, Rejection, Response};

use crate::exec::reject;
use crate::service::Platform;

/// Decode the query in `staged`, verify it (counting instructions on
/// `platform`) and answer what it proves: `ProofVerified`, `Rejected` with
/// the reason written into `reason`, or an error for bytes that are no query.
#[inline(never)]
pub fn verify_query<'r, P: Platform>(
    platform: &mut P,
    staged: &[u8],
    reason: &'r mut heapless::String<MAX_REASON>,
) -> Response<'r> {
    let query: ProofQuery<'_> = match decode_exact(staged) {
        Ok(query) => query,
        Err(e) => return Response::Error(ErrorCode::BadStagedInput(e)),
    };
    let mut storage: heapless::Vec<StorageProof<'_>, MAX_QUERY_SLOTS> = heapless::Vec::new();
    for slot in &query.storage {
        // Both vectors have MAX_QUERY_SLOTS capacity: this never fails.
        let _ = storage.push(StorageProof {
            slot: U256::from_be_bytes(slot.slot),
            proof: &slot.proof,
        });
    }
    let mut values = [U256::ZERO; MAX_QUERY_SLOTS];
    let mut outcome = None;
    let measured = platform.measure(&mut || {
        outcome = Some(verify_eip1186(
            &query.state_root,
            &query.address,
            &query.account_proof,
            &storage,
            &mut values,
        ));
    });
    match outcome {
        Some(Ok(account)) => {
            let mut proven = ProvenAccount {
                exists: account.is_some(),
                nonce: 0,
                balance: [0; 32],
                storage_root: evm_state::EMPTY_ROOT,
                code_hash: evm_state::KECCAK_EMPTY,
                slots: heapless::Vec::new(),
                instructions: measured.instructions,
            };
            if let Some(account) = account {
                proven.nonce = account.nonce;
                proven.balance = account.balance.to_be_bytes::<32>();
                proven.storage_root = account.storage_root;
                proven.code_hash = account.code_hash;
            }
            for value in values.iter().take(storage.len()) {
                let _ = proven.slots.push(value.to_be_bytes::<32>());
            }
            Response::ProofVerified(proven)
        }
        Some(Err(e)) => reject(reason, Rejection::InvalidProof, format_args!("{e}")),
        None => reject(
            reason,
            Rejection::DeviceLimit,
            format_args!("verification did not run"),
        ),
    }
}
