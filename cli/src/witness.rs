//! Host side of checking before signing: the witness of a transaction, cut from a state-test pre-state or fetched over JSON-RPC.
//!
//! Both paths run the transaction on the host first (evm-core, Osaka) on a
//! state that records every account and slot read (BALANCE, EXTCODE*, reads in
//! frames that later revert, the coinbase and the sender included), then take
//! EIP-1186 proofs of exactly those keys and the code of every touched
//! contract, and encode a [`protocol::witness::Witness`].

pub mod rpc;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use evm_core::{
    AccessListItem, AccountInfo, Address, BlockEnv, Evm, HeapBuffers, Limits, Spec, State, B256,
    U256,
};
use evm_state::{InMemoryState, KECCAK_EMPTY};
use protocol::limits::{MAX_WITNESS_NODES, MAX_WITNESS_PROOF_DEPTH};
use protocol::run_env::{authorization, tx_env};
use protocol::witness::{AccountProof, SlotProof, Witness, WitnessBlock};
use serde_json::Value;
use wallet::Transaction;
use zkevm_fixtures::hex::{address, b256, u256, unhex};

/// Accounts and the slots of each that a run read.
pub type Touched = BTreeMap<Address, BTreeSet<U256>>;

/// A state that records every key read from it.
pub struct Recording<'s, S> {
    inner: &'s S,
    touched: RefCell<Touched>,
}

impl<'s, S> Recording<'s, S> {
    /// Records reads of `inner`.
    pub fn new(inner: &'s S) -> Self {
        Self {
            inner,
            touched: RefCell::new(BTreeMap::new()),
        }
    }

    /// What was read so far.
    pub fn touched(&self) -> Touched {
        self.touched.borrow().clone()
    }

    fn account_read(&self, a: &Address) {
        self.touched.borrow_mut().entry(*a).or_default();
    }
}

impl<S: State> State for Recording<'_, S> {
    type Error = S::Error;
    fn account(&self, a: &Address) -> Result<Option<AccountInfo>, S::Error> {
        self.account_read(a);
        self.inner.account(a)
    }
    fn code(&self, h: &B256) -> Result<&[u8], S::Error> {
        self.inner.code(h)
    }
    fn storage(&self, a: &Address, slot: &U256) -> Result<U256, S::Error> {
        self.touched
            .borrow_mut()
            .entry(*a)
            .or_default()
            .insert(*slot);
        self.inner.storage(a, slot)
    }
    fn block_hash(&self, n: u64) -> Result<B256, S::Error> {
        self.inner.block_hash(n)
    }
    fn has_storage(&self, a: &Address) -> Result<bool, S::Error> {
        self.account_read(a);
        self.inner.has_storage(a)
    }
}

pub use protocol::run_env::block_env;

/// Runs `tx` from `sender` on `state` in `block` (Osaka, host buffers) and
/// returns what it read. An invalid transaction is still a run: the keys
/// read before the rejection are what the device needs to reject it too.
pub fn discover<S: State>(
    state: &S,
    block: &BlockEnv,
    tx: &Transaction<'_>,
    sender: &Address,
) -> Result<Touched, evm_core::Error<S::Error>> {
    let keys: Vec<Vec<B256>> = tx.access_list.iter().map(|(_, k)| k.collect()).collect();
    let access: Vec<AccessListItem<'_>> = tx
        .access_list
        .iter()
        .zip(&keys)
        .map(|((address, _), k)| AccessListItem {
            address,
            storage_keys: k,
        })
        .collect();
    let blobs: Vec<B256> = tx.blob_hashes.iter().collect();
    let auths: Vec<evm_core::Authorization> = tx
        .authorizations
        .iter()
        .map(|a| authorization(&a))
        .collect();
    let env = tx_env(tx, sender, &access, &blobs, &auths);
    let recording = Recording::new(state);
    let mut buffers = HeapBuffers::new(&Limits::HOST);
    let mut evm = Evm::new(&recording, buffers.buffers());
    evm.set_spec(Spec::Osaka);
    match evm.transact(block, &env) {
        Ok(_) | Err(evm_core::Error::InvalidTx(_)) => Ok(recording.touched()),
        Err(e) => Err(e),
    }
}

/// One account's EIP-1186 proof, owned (as `eth_getProof` answers it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedProof {
    /// The account.
    pub address: Address,
    /// State-trie nodes, root first.
    pub account_proof: Vec<Vec<u8>>,
    /// Each slot and its storage-trie nodes, root first.
    pub storage: Vec<(U256, Vec<Vec<u8>>)>,
}

/// The indices of `proof`'s nodes in `nodes` (each node added once).
fn index<'p>(nodes: &mut Vec<&'p [u8]>, proof: &'p [Vec<u8>]) -> Result<Vec<u8>, String> {
    if proof.len() > MAX_WITNESS_PROOF_DEPTH {
        return Err(format!(
            "a proof of {} nodes (the device takes {MAX_WITNESS_PROOF_DEPTH})",
            proof.len()
        ));
    }
    proof
        .iter()
        .map(|n| {
            let i = match nodes.iter().position(|m| *m == n.as_slice()) {
                Some(i) => i,
                None => {
                    nodes.push(n);
                    nodes.len() - 1
                }
            };
            u8::try_from(i)
                .ok()
                .filter(|_| i < MAX_WITNESS_NODES)
                .ok_or_else(|| format!("more than {MAX_WITNESS_NODES} trie nodes"))
        })
        .collect()
}

/// Encodes a witness: nodes shared by index, each code once. Over a limit of the format is an error.
pub fn assemble(
    block: WitnessBlock,
    proofs: &[OwnedProof],
    codes: &[Vec<u8>],
) -> Result<Vec<u8>, String> {
    let mut nodes: Vec<&[u8]> = Vec::new();
    let mut accounts = Vec::new();
    let mut slots = Vec::new();
    for (i, p) in proofs.iter().enumerate() {
        accounts.push((p.address, index(&mut nodes, &p.account_proof)?));
        let account = u8::try_from(i).map_err(|_| "too many accounts".to_string())?;
        for (slot, proof) in &p.storage {
            slots.push((account, slot.to_be_bytes::<32>(), index(&mut nodes, proof)?));
        }
    }
    let mut distinct: Vec<&[u8]> = Vec::new();
    for c in codes {
        if !c.is_empty() && !distinct.contains(&c.as_slice()) {
            distinct.push(c);
        }
    }
    let full = |what: &str, n: usize| format!("{n} {what}: more than a witness holds");
    let w = Witness {
        block,
        nodes: heapless::Vec::from_slice(&nodes).map_err(|_| full("nodes", nodes.len()))?,
        accounts: accounts
            .iter()
            .map(|(address, proof)| AccountProof {
                address: *address,
                proof,
            })
            .collect::<Vec<_>>()
            .as_slice()
            .try_into()
            .map_err(|_| full("accounts", accounts.len()))?,
        slots: slots
            .iter()
            .map(|(account, slot, proof)| SlotProof {
                account: *account,
                slot: *slot,
                proof,
            })
            .collect::<Vec<_>>()
            .as_slice()
            .try_into()
            .map_err(|_| full("slots", slots.len()))?,
        codes: heapless::Vec::from_slice(&distinct).map_err(|_| full("codes", distinct.len()))?,
    };
    let bytes = postcard::to_allocvec(&w).map_err(|e| e.to_string())?;
    if bytes.len() > protocol::limits::MAX_WITNESS_BYTES {
        return Err(format!(
            "witness of {} bytes (the device takes {})",
            bytes.len(),
            protocol::limits::MAX_WITNESS_BYTES
        ));
    }
    Ok(bytes)
}

/// The witness of `touched` cut from a full in-memory state.
pub fn from_state(
    state: &InMemoryState,
    block: WitnessBlock,
    touched: &Touched,
) -> Result<Vec<u8>, String> {
    let mut proofs = Vec::new();
    let mut codes = Vec::new();
    for (a, slots) in touched {
        let slots: Vec<U256> = slots.iter().copied().collect();
        let p = state.eip1186_proof(a, &slots).map_err(|e| e.to_string())?;
        proofs.push(OwnedProof {
            address: *a,
            account_proof: p.account_proof,
            storage: slots.into_iter().zip(p.storage_proofs).collect(),
        });
        if let Some(code) = state
            .get_account(a)
            .and_then(|acct| state.code_by_hash(&acct.info.code_hash))
        {
            codes.push(code.to_vec());
        }
    }
    assemble(block, &proofs, &codes)
}

/// A state test's `env` and `pre` (its first test), with the block values for a witness.
pub struct Prestate {
    /// The full pre-state.
    pub state: InMemoryState,
    /// Block values (`state_root` the root of `state`; chain id `config.chainid` or 1).
    pub block: WitnessBlock,
}

fn field<'v>(v: &'v Value, name: &str) -> Result<&'v Value, String> {
    v.get(name).ok_or_else(|| format!("no `{name}`"))
}

fn quantity_u64(v: &Value) -> Result<u64, String> {
    u64::try_from(u256(v)?).map_err(|_| format!("{v} exceeds 64 bits"))
}

fn str_of(v: &Value) -> Result<&str, String> {
    v.as_str()
        .ok_or_else(|| format!("expected a string, got {v}"))
}

impl Prestate {
    /// Parses the text of a state-test JSON file.
    pub fn parse(text: &str) -> Result<Self, String> {
        let file: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let test = file
            .as_object()
            .and_then(|o| o.values().next())
            .ok_or("no test in the file")?;
        let env = field(test, "env")?;
        let mut state = InMemoryState::new();
        let pre = field(test, "pre")?
            .as_object()
            .ok_or("`pre` is not an object")?;
        for (addr, a) in pre {
            let addr = address(addr)?;
            let info = AccountInfo {
                nonce: quantity_u64(field(a, "nonce")?)?,
                balance: u256(field(a, "balance")?)?,
                code_hash: KECCAK_EMPTY,
            };
            state.insert_account(addr, info);
            let code = unhex(str_of(field(a, "code")?)?)?;
            if !code.is_empty() {
                state.set_code(addr, code);
            }
            if let Some(storage) = a.get("storage").and_then(Value::as_object) {
                for (k, v) in storage {
                    state.set_storage(addr, u256(&Value::String(k.clone()))?, u256(v)?);
                }
            }
        }
        let opt = |name: &str| env.get(name).map(u256).transpose();
        let chain_id = test
            .get("config")
            .and_then(|c| c.get("chainid"))
            .map(quantity_u64)
            .transpose()?
            .unwrap_or(1);
        let random = env
            .get("currentRandom")
            .map(|v| str_of(v).and_then(b256))
            .transpose()?
            .unwrap_or_default();
        let block = WitnessBlock {
            state_root: state.try_state_root().map_err(|e| e.to_string())?,
            number: quantity_u64(field(env, "currentNumber")?)?,
            timestamp: quantity_u64(field(env, "currentTimestamp")?)?,
            gas_limit: quantity_u64(field(env, "currentGasLimit")?)?,
            base_fee: opt("currentBaseFee")?.unwrap_or_default().to_be_bytes(),
            coinbase: address(str_of(field(env, "currentCoinbase")?)?)?,
            prev_randao: random,
            excess_blob_gas: opt("currentExcessBlobGas")?
                .map(u64::try_from)
                .transpose()
                .map_err(|_| "excess blob gas exceeds 64 bits")?
                .unwrap_or(0),
            chain_id,
        };
        Ok(Self { state, block })
    }
}

/// The witness of `tx` from `sender` on the pre-state of a state-test JSON
/// file (`env` and `pre` of its first test): build the trie, run the
/// transaction on the host to find what it touches, prove those keys.
pub fn from_prestate(
    path: &Path,
    tx: &Transaction<'_>,
    sender: &Address,
) -> Result<Vec<u8>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let p = Prestate::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    from_prestate_state(&p, tx, sender)
}

/// [`from_prestate`] on an already parsed pre-state.
pub fn from_prestate_state(
    p: &Prestate,
    tx: &Transaction<'_>,
    sender: &Address,
) -> Result<Vec<u8>, String> {
    let mut block = p.block;
    if let Some(chain) = tx.chain_id {
        block.chain_id = u64::try_from(chain).map_err(|_| "chain id exceeds 64 bits")?;
    }
    let touched =
        discover(&p.state, &block_env(&block), tx, sender).map_err(|e| format!("host run: {e}"))?;
    from_state(&p.state, block, &touched)
}

/// The witness of `tx` from `sender` on the state of a JSON-RPC node at
/// `block` (`None`: the latest): see [`rpc`].
pub fn from_rpc(
    url: &str,
    block: Option<u64>,
    tx: &Transaction<'_>,
    sender: &Address,
) -> Result<Vec<u8>, String> {
    rpc::witness(url, block, tx, sender)
}
