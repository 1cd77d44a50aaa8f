//! Checking a witness: every account and storage proof against the root, every node and code used, nothing repeated.

use evm_core::{B256, U256};
use evm_state::limits::MAX_PROOF_NODES;
use evm_state::proof::{verify_account, verify_storage};
use evm_state::{Account, EMPTY_ROOT, KECCAK_EMPTY};
use protocol::limits::{MAX_WITNESS_ACCOUNTS, MAX_WITNESS_NODES, MAX_WITNESS_PROOF_DEPTH};
use protocol::witness::Witness;

use super::state::Proven;
use super::{BadWitness, Boxed, Limit, Refusal};

/// The nodes a proof names by index.
fn nodes<'a>(
    w: &Witness<'a>,
    indices: &[u8],
) -> Result<heapless::Vec<&'a [u8], MAX_WITNESS_PROOF_DEPTH>, BadWitness> {
    let mut out = heapless::Vec::new();
    for &i in indices {
        let node = w.node(i).ok_or(BadWitness::NodeIndex { index: i })?;
        out.push(node).map_err(|_| BadWitness::ProofTooDeep)?;
    }
    Ok(out)
}

/// Checks every proof of `w` against its state root and returns the proven state (on the heap).
///
/// Refused: an index out of range, a proof that does not verify (a wrong
/// root, a changed node), an account or slot proven twice, a node no proof
/// uses, a code no proven account has; a heap too full for the state.
#[inline(never)]
pub fn verify<'a>(w: &Witness<'a>) -> Result<Boxed<Proven<'a>>, Refusal> {
    let code_hashes = check(w)?;
    let mut proven = Proven::boxed(&w.block.state_root)
        .map_err(BadWitness::State)?
        .ok_or(Refusal::CannotSimulate(Limit::Memory))?;
    let state = proven.witness_mut();
    for node in &w.nodes {
        state.load_node(node).map_err(BadWitness::State)?;
    }
    for (i, code) in w.codes.iter().enumerate() {
        let hash = state.add_code(code).map_err(BadWitness::State)?;
        let repeated = w.codes.iter().take(i).any(|c| c == code);
        let owned = hash != KECCAK_EMPTY && code_hashes.contains(&hash);
        if repeated || !owned {
            return Err(BadWitness::UnusedCode { index: i }.into());
        }
    }
    Ok(proven)
}

/// The checks of [`verify`] before the state is built: every proof against
/// the root, every node used, no repeat. Returns the proven accounts' code hashes.
#[inline(never)]
fn check(w: &Witness<'_>) -> Result<heapless::Vec<B256, MAX_WITNESS_ACCOUNTS>, BadWitness> {
    const _: () = assert!(MAX_WITNESS_PROOF_DEPTH <= MAX_PROOF_NODES);
    let root = &w.block.state_root;
    let mut used = [false; MAX_WITNESS_NODES];
    let mut mark = |indices: &[u8]| {
        for &i in indices {
            if let Some(u) = used.get_mut(usize::from(i)) {
                *u = true;
            }
        }
    };
    let mut proven: heapless::Vec<Option<Account>, MAX_WITNESS_ACCOUNTS> = heapless::Vec::new();
    for (i, a) in w.accounts.iter().enumerate() {
        if w.accounts.iter().take(i).any(|b| b.address == a.address) {
            return Err(BadWitness::Repeated);
        }
        let path = nodes(w, a.proof)?;
        let account =
            verify_account(root, &a.address, &path).map_err(|error| BadWitness::AccountProof {
                address: a.address,
                error,
            })?;
        mark(a.proof);
        // Cannot fail: `proven` has the capacity of `accounts`.
        let _ = proven.push(account);
    }
    for (i, s) in w.slots.iter().enumerate() {
        let index = usize::from(s.account);
        let (Some(a), Some(account)) = (w.accounts.get(index), proven.get(index)) else {
            return Err(BadWitness::AccountIndex { index: s.account });
        };
        if w.slots
            .iter()
            .take(i)
            .any(|t| t.account == s.account && t.slot == s.slot)
        {
            return Err(BadWitness::Repeated);
        }
        let storage_root = account.map_or(EMPTY_ROOT, |a| a.storage_root);
        let path = nodes(w, s.proof)?;
        let slot = U256::from_be_bytes(s.slot);
        verify_storage(&storage_root, &slot, &path).map_err(|error| BadWitness::SlotProof {
            address: a.address,
            slot,
            error,
        })?;
        mark(s.proof);
    }
    if let Some(index) = used.iter().take(w.nodes.len()).position(|u| !u) {
        return Err(BadWitness::UnusedNode { index });
    }
    Ok(proven.iter().flatten().map(|a| a.code_hash).collect())
}
