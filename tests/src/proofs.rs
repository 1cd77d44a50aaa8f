//! Real `eth_getProof` responses (shared fixtures) turned into device proof queries.

use std::path::Path;

use evm_state::U256;
use protocol::{ProofQuery, StorageQuery};
use serde_json::Value;
use zkevm_fixtures::get_proof::{io_files, proof_response};

use crate::Result;

/// One account (and slots) proof with the values the response claims.
#[derive(Debug, Clone)]
pub struct ProofCase {
    /// File it came from.
    pub name: String,
    /// State root the proof is against.
    pub state_root: [u8; 32],
    /// Account address.
    pub address: [u8; 20],
    /// Account proof nodes.
    pub account_proof: Vec<Vec<u8>>,
    /// Slots with their proof nodes.
    pub storage: Vec<([u8; 32], Vec<Vec<u8>>)>,
    /// Claimed nonce.
    pub nonce: u64,
    /// Claimed balance, big-endian.
    pub balance: [u8; 32],
    /// Claimed code hash.
    pub code_hash: [u8; 32],
    /// Claimed storage root.
    pub storage_root: [u8; 32],
    /// Claimed slot values, big-endian.
    pub values: Vec<[u8; 32]>,
}

fn bytes(v: &Value) -> Result<Vec<u8>> {
    let s = v.as_str().ok_or("expected a hex string")?;
    hex::decode(s.trim_start_matches("0x")).map_err(|e| format!("{s}: {e}"))
}

fn word(v: &Value) -> Result<[u8; 32]> {
    let s = v.as_str().ok_or("expected a hex quantity")?;
    let n =
        U256::from_str_radix(s.trim_start_matches("0x"), 16).map_err(|e| format!("{s}: {e}"))?;
    Ok(n.to_be_bytes::<32>())
}

fn fixed<const N: usize>(v: &Value) -> Result<[u8; N]> {
    bytes(v)?
        .try_into()
        .map_err(|_| format!("expected {N} bytes"))
}

fn nodes(v: &Value) -> Result<Vec<Vec<u8>>> {
    v.as_array()
        .ok_or("proof is not a list")?
        .iter()
        .map(bytes)
        .collect()
}

/// State root of block `number` in a chain RLP file (decoded, not trusted).
pub fn block_state_root(chain_rlp: &Path, number: u64) -> Result<[u8; 32]> {
    zkevm_fixtures::chain::header(chain_rlp, number).map(|h| h.state_root)
}

/// The four `eth_getProof` exchanges, against block 54's state root.
pub fn eth_get_proof_cases() -> Result<Vec<ProofCase>> {
    let base = zkevm_fixtures::dir().join("execution-apis");
    let root = block_state_root(&base.join("chain.rlp"), 54)?;
    io_files(&base.join("eth_getProof"))?
        .iter()
        .map(|f| load_case(f, root))
        .collect()
}

/// Read one `.io` exchange (its `<<` response line).
pub fn load_case(file: &Path, state_root: [u8; 32]) -> Result<ProofCase> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    if !text.lines().any(|l| l.starts_with("<<")) {
        return Err(format!("{}: no response line", file.display()));
    }
    let r = &proof_response(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut storage = Vec::new();
    let mut values = Vec::new();
    for sp in r["storageProof"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        storage.push((word(&sp["key"])?, nodes(&sp["proof"])?));
        values.push(word(&sp["value"])?);
    }
    let nonce = u64::from_str_radix(
        r["nonce"]
            .as_str()
            .ok_or("no nonce")?
            .trim_start_matches("0x"),
        16,
    )
    .map_err(|e| e.to_string())?;
    Ok(ProofCase {
        name: file
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        state_root,
        address: fixed(&r["address"])?,
        account_proof: nodes(&r["accountProof"])?,
        storage,
        nonce,
        balance: word(&r["balance"])?,
        code_hash: fixed(&r["codeHash"])?,
        storage_root: fixed(&r["storageHash"])?,
        values,
    })
}

fn bounded<T: Clone, const N: usize>(items: &[T]) -> Result<heapless::Vec<T, N>> {
    heapless::Vec::from_slice(items).map_err(|_| format!("more than {N} items"))
}

impl ProofCase {
    /// The postcard-encoded [`ProofQuery`] to stage on the device.
    pub fn query_bytes(&self) -> Result<Vec<u8>> {
        let account_refs: Vec<&[u8]> = self.account_proof.iter().map(Vec::as_slice).collect();
        let slot_refs: Vec<Vec<&[u8]>> = self
            .storage
            .iter()
            .map(|(_, proof)| proof.iter().map(Vec::as_slice).collect())
            .collect();
        let mut storage = Vec::new();
        for ((slot, _), refs) in self.storage.iter().zip(&slot_refs) {
            storage.push(StorageQuery {
                slot: *slot,
                proof: bounded(refs)?,
            });
        }
        let query = ProofQuery {
            state_root: self.state_root,
            address: self.address,
            account_proof: bounded(&account_refs)?,
            storage: bounded(&storage)?,
        };
        postcard::to_allocvec(&query).map_err(|e| e.to_string())
    }
}
