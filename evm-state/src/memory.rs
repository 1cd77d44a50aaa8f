//! A host-side world state in `BTreeMap`s (accounts, storage, code, block hashes) with its state root.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use crate::account::{encode_storage_value, storage_key, Account};
use crate::error::Error;
use crate::limits::MAX_ACCOUNT_RLP;
use crate::trie::MemTrie;
use crate::types::{keccak256, AccountInfo, Address, B256, EMPTY_ROOT, KECCAK_EMPTY, U256};

/// One account of an [`InMemoryState`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemAccount {
    /// Nonce, balance and code hash.
    pub info: AccountInfo,
    /// Non-zero storage slots.
    pub storage: BTreeMap<U256, U256>,
}

/// A complete world state on the heap, for host tools and tests.
#[derive(Debug, Clone, Default)]
pub struct InMemoryState {
    accounts: BTreeMap<Address, MemAccount>,
    code: BTreeMap<B256, Vec<u8>>,
    block_hashes: BTreeMap<u64, B256>,
}

impl InMemoryState {
    /// An empty state.
    pub fn new() -> Self {
        Self::default()
    }

    /// Creates or overwrites the account's nonce, balance and code hash (storage is kept).
    pub fn insert_account(&mut self, address: Address, info: AccountInfo) {
        self.accounts.entry(address).or_default().info = info;
    }

    /// Removes the account and its storage.
    pub fn remove_account(&mut self, address: &Address) {
        self.accounts.remove(address);
    }

    /// Sets a storage slot (zero removes it); creates the account if absent.
    pub fn set_storage(&mut self, address: Address, slot: U256, value: U256) {
        let storage = &mut self.accounts.entry(address).or_default().storage;
        if value.is_zero() {
            storage.remove(&slot);
        } else {
            storage.insert(slot, value);
        }
    }

    /// Stores `code`, sets the account's code hash to its hash (creating the account) and returns it.
    pub fn set_code(&mut self, address: Address, code: Vec<u8>) -> B256 {
        let hash = self.add_code(code);
        self.accounts.entry(address).or_default().info.code_hash = hash;
        hash
    }

    /// Stores `code` under its hash without touching any account; returns the hash.
    pub fn add_code(&mut self, code: Vec<u8>) -> B256 {
        let hash = keccak256(&code);
        if hash != KECCAK_EMPTY {
            self.code.insert(hash, code);
        }
        hash
    }

    /// Records the hash of block `number`.
    pub fn set_block_hash(&mut self, number: u64, hash: B256) {
        self.block_hashes.insert(number, hash);
    }

    /// The account at `address`.
    pub fn get_account(&self, address: &Address) -> Option<&MemAccount> {
        self.accounts.get(address)
    }

    /// All accounts in address order.
    pub fn accounts(&self) -> impl Iterator<Item = (&Address, &MemAccount)> {
        self.accounts.iter()
    }

    /// Code by hash (`Some(&[])` for [`KECCAK_EMPTY`]).
    pub fn code_by_hash(&self, hash: &B256) -> Option<&[u8]> {
        if *hash == KECCAK_EMPTY {
            return Some(&[]);
        }
        self.code.get(hash).map(Vec::as_slice)
    }

    /// Storage slot value (zero when absent).
    pub fn storage_value(&self, address: &Address, slot: &U256) -> U256 {
        self.accounts
            .get(address)
            .and_then(|a| a.storage.get(slot))
            .copied()
            .unwrap_or(U256::ZERO)
    }

    /// Root of an account's storage trie.
    pub fn try_storage_root(&self, address: &Address) -> Result<B256, Error> {
        match self.accounts.get(address) {
            Some(a) => storage_root(&a.storage),
            None => Ok(EMPTY_ROOT),
        }
    }

    /// The secure Merkle-Patricia root of the whole state.
    ///
    /// Streams the hashed, sorted leaves ([`crate::trie::root`]); no trie is built.
    pub fn try_state_root(&self) -> Result<B256, Error> {
        let mut leaves = Vec::with_capacity(self.accounts.len());
        for (address, a) in &self.accounts {
            let account = Account::from_info(&a.info, storage_root(&a.storage)?);
            let mut rlp = [0u8; MAX_ACCOUNT_RLP];
            let n = account.encode_to(&mut rlp)?;
            leaves.push((keccak256(address), Leaf { rlp, n }));
        }
        crate::trie::root(leaves)
    }

    /// The state root. Infallible here: keys are 32 bytes, values at most
    /// [`MAX_ACCOUNT_RLP`] bytes and the arena grows on the heap.
    pub fn state_root(&self) -> B256 {
        let root = self.try_state_root();
        debug_assert!(root.is_ok(), "{root:?}");
        root.unwrap_or(EMPTY_ROOT)
    }
}

/// An EIP-1186 style proof cut from a full state: what a host sends a device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eip1186Proof {
    /// State-trie nodes on the account's path, root first.
    pub account_proof: Vec<Vec<u8>>,
    /// For each requested slot, the storage-trie nodes on its path, root first.
    pub storage_proofs: Vec<Vec<Vec<u8>>>,
}

impl InMemoryState {
    /// Applies a transaction's results: account changes first (a deleted account
    /// loses its storage; `storage_cleared` wipes it before the writes), then
    /// storage writes to accounts that exist. Deployed code is kept by hash.
    pub fn apply_changes<'a>(
        &mut self,
        changes: impl IntoIterator<Item = evm_core::AccountChange<'a>>,
        storage: impl IntoIterator<Item = (Address, U256, U256)>,
    ) {
        for change in changes {
            match change {
                evm_core::AccountChange::Deleted(address) => self.remove_account(&address),
                evm_core::AccountChange::Updated {
                    address,
                    info,
                    code,
                    storage_cleared,
                } => {
                    let account = self.accounts.entry(address).or_default();
                    account.info = info;
                    if storage_cleared {
                        account.storage.clear();
                    }
                    if let Some(code) = code {
                        self.add_code(code.to_vec());
                    }
                }
            }
        }
        for (address, slot, value) in storage {
            if self.accounts.contains_key(&address) {
                self.set_storage(address, slot, value);
            }
        }
    }

    /// The proof of `address` and its `slots` (presence or absence), as `eth_getProof` gives it.
    pub fn eip1186_proof(&self, address: &Address, slots: &[U256]) -> Result<Eip1186Proof, Error> {
        let mut state = MemTrie::new();
        let mut buf = [0u8; MAX_ACCOUNT_RLP];
        for (a, acct) in &self.accounts {
            let account = Account::from_info(&acct.info, storage_root(&acct.storage)?);
            let n = account.encode_to(&mut buf)?;
            state.insert(&keccak256(a), buf.get(..n).unwrap_or(&[]))?;
        }
        let account_proof = state.proof(&keccak256(address))?;
        let mut storage = MemTrie::new();
        if let Some(acct) = self.accounts.get(address) {
            let mut vbuf = [0u8; 33];
            for (slot, value) in &acct.storage {
                let n = encode_storage_value(value, &mut vbuf);
                storage.insert(&storage_key(slot), vbuf.get(..n).unwrap_or(&[]))?;
            }
        }
        let storage_proofs = slots
            .iter()
            .map(|s| storage.proof(&storage_key(s)))
            .collect::<Result<_, _>>()?;
        Ok(Eip1186Proof {
            account_proof,
            storage_proofs,
        })
    }
}

/// Root of a storage trie holding `storage` (zero values are skipped), streamed like the state root.
pub fn storage_root(storage: &BTreeMap<U256, U256>) -> Result<B256, Error> {
    let leaves: Vec<_> = storage
        .iter()
        .filter(|(_, value)| !value.is_zero())
        .map(|(slot, value)| {
            let mut rlp = [0u8; 33];
            let n = encode_storage_value(value, &mut rlp);
            (storage_key(slot), Leaf { rlp, n })
        })
        .collect();
    crate::trie::root(leaves)
}

/// An encoded leaf value (account or storage value RLP) without a heap allocation.
struct Leaf<const N: usize> {
    rlp: [u8; N],
    n: usize,
}

impl<const N: usize> AsRef<[u8]> for Leaf<N> {
    fn as_ref(&self) -> &[u8] {
        self.rlp.get(..self.n).unwrap_or(&[])
    }
}

impl evm_core::State for InMemoryState {
    type Error = Error;

    fn account(&self, address: &Address) -> Result<Option<AccountInfo>, Error> {
        Ok(self.accounts.get(address).map(|a| a.info))
    }

    fn code(&self, code_hash: &B256) -> Result<&[u8], Error> {
        self.code_by_hash(code_hash)
            .ok_or(Error::MissingCode { hash: *code_hash })
    }

    fn storage(&self, address: &Address, slot: &U256) -> Result<U256, Error> {
        Ok(self.storage_value(address, slot))
    }

    fn has_storage(&self, address: &Address) -> Result<bool, Error> {
        Ok(self
            .accounts
            .get(address)
            .is_some_and(|a| a.storage.values().any(|v| !v.is_zero())))
    }

    fn block_hash(&self, number: u64) -> Result<B256, Error> {
        self.block_hashes
            .get(&number)
            .copied()
            .ok_or(Error::UnknownBlockHash { number })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use evm_core::State;

    #[test]
    fn empty_state_and_storage_roots() {
        let mut s = InMemoryState::new();
        assert_eq!(s.state_root(), EMPTY_ROOT);
        let a = [0x11; 20];
        s.insert_account(a, AccountInfo::default());
        assert_ne!(s.state_root(), EMPTY_ROOT);
        s.set_storage(a, U256::from(1u64), U256::from(5u64));
        let with_slot = s.state_root();
        s.set_storage(a, U256::from(1u64), U256::ZERO);
        assert_eq!(s.try_storage_root(&a).unwrap(), EMPTY_ROOT);
        assert_ne!(s.state_root(), with_slot);
    }

    #[test]
    fn proofs_it_cuts_verify() {
        let mut s = InMemoryState::new();
        let a = [0x33; 20];
        s.insert_account(a, AccountInfo::default());
        for i in 0..10u64 {
            s.set_storage(a, U256::from(i), U256::from(i + 1));
        }
        let p = s
            .eip1186_proof(&a, &[U256::from(3u64), U256::from(99u64)])
            .unwrap();
        let refs: Vec<&[u8]> = p.account_proof.iter().map(Vec::as_slice).collect();
        let acct = crate::proof::verify_account(&s.state_root(), &a, &refs)
            .unwrap()
            .unwrap();
        let values: Vec<U256> = p
            .storage_proofs
            .iter()
            .zip([3u64, 99])
            .map(|(proof, slot)| {
                let refs: Vec<&[u8]> = proof.iter().map(Vec::as_slice).collect();
                crate::proof::verify_storage(&acct.storage_root, &U256::from(slot), &refs).unwrap()
            })
            .collect();
        assert_eq!(values, vec![U256::from(4u64), U256::ZERO]);
    }

    #[test]
    fn implements_the_evm_core_state_trait() {
        let mut s = InMemoryState::new();
        let a = [0x22; 20];
        let hash = s.set_code(a, vec![0x60, 0x00]);
        s.set_storage(a, U256::from(7u64), U256::from(9u64));
        s.set_block_hash(5, [5; 32]);
        assert_eq!(s.account(&a).unwrap().unwrap().code_hash, hash);
        assert_eq!(s.code(&hash).unwrap(), &[0x60, 0x00]);
        assert_eq!(s.code(&KECCAK_EMPTY).unwrap(), &[] as &[u8]);
        assert_eq!(s.code(&[1; 32]), Err(Error::MissingCode { hash: [1; 32] }));
        assert_eq!(s.storage(&a, &U256::from(7u64)).unwrap(), U256::from(9u64));
        assert_eq!(s.storage(&[0; 20], &U256::ZERO).unwrap(), U256::ZERO);
        assert_eq!(s.block_hash(5).unwrap(), [5; 32]);
        assert_eq!(s.block_hash(6), Err(Error::UnknownBlockHash { number: 6 }));
        assert_eq!(s.account(&[0; 20]).unwrap(), None);
        assert!(s.has_storage(&a).unwrap());
        assert!(!s.has_storage(&[0; 20]).unwrap());
    }
}
