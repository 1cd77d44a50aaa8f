//! Witness-backed partial state: proof nodes in a bounded arena, reads that never guess, writes and the post-state root.
//!
//! Load the nodes of EIP-1186 account and storage proofs (any order, duplicates
//! skipped) under a trusted state root. Reads walk the loaded nodes; a walk
//! that needs a node the witness lacks is [`Error::MissingWitness`] with that
//! node's hash. Writes copy the loaded nodes they change, so the pre-state
//! stays intact, and [`WitnessState::state_root`] gives the post-state root.

use crate::account::{encode_storage_value, storage_key, Account};
use crate::error::Error;
use crate::limits::{MAX_ACCOUNT_RLP, MAX_BLOCK_HASHES, MAX_TOUCHED_ACCOUNTS, MAX_WITNESS_CODES};
use crate::store::Store;
use crate::trie::{Link, Trie};
use crate::types::{keccak256, AccountInfo, Address, B256, EMPTY_ROOT, KECCAK_EMPTY, U256};

/// A partial world state backed by a witness, in the arena `S`.
pub struct WitnessState<'c, S> {
    trie: Trie<S>,
    root: Link,
    storage: heapless::Vec<(Address, Link), MAX_TOUCHED_ACCOUNTS>,
    codes: heapless::Vec<(B256, &'c [u8]), MAX_WITNESS_CODES>,
    block_hashes: heapless::Vec<(u64, B256), MAX_BLOCK_HASHES>,
    poisoned: Option<Error>,
}

impl<'c, S: Store> WitnessState<'c, S> {
    /// An empty witness under the trusted `state_root`.
    pub fn new(store: S, state_root: &B256) -> Result<Self, Error> {
        let mut trie = Trie::new(store);
        let root = trie.link_for_root(state_root)?;
        Ok(Self {
            trie,
            root,
            storage: heapless::Vec::new(),
            codes: heapless::Vec::new(),
            block_hashes: heapless::Vec::new(),
            poisoned: None,
        })
    }

    /// Adds one proof node (of the state trie or any storage trie).
    pub fn load_node(&mut self, raw: &[u8]) -> Result<(), Error> {
        self.trie.load_node(raw)
    }

    /// Adds every node of a proof.
    pub fn load_proof(&mut self, nodes: &[&[u8]]) -> Result<(), Error> {
        nodes.iter().try_for_each(|n| self.trie.load_node(n))
    }

    /// Adds contract code (kept borrowed); returns its hash.
    pub fn add_code(&mut self, code: &'c [u8]) -> Result<B256, Error> {
        let hash = keccak256(code);
        if hash != KECCAK_EMPTY && !self.codes.iter().any(|(h, _)| *h == hash) {
            self.codes
                .push((hash, code))
                .map_err(|_| Error::TooManyEntries {
                    capacity: MAX_WITNESS_CODES,
                })?;
        }
        Ok(hash)
    }

    /// Adds a trusted block hash for `BLOCKHASH`.
    pub fn add_block_hash(&mut self, number: u64, hash: B256) -> Result<(), Error> {
        self.block_hashes
            .push((number, hash))
            .map_err(|_| Error::TooManyEntries {
                capacity: MAX_BLOCK_HASHES,
            })
    }

    /// Arena slots and pool bytes in use (for sizing a fixed arena).
    pub fn arena_usage(&self) -> (usize, usize) {
        (self.trie.slots_used(), self.trie.bytes_used())
    }

    fn check(&self) -> Result<(), Error> {
        match self.poisoned {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// The account at `address` (`None`: the witness proves it absent).
    pub fn get_account(&self, address: &Address) -> Result<Option<Account>, Error> {
        self.check()?;
        match self.trie.get(self.root, &keccak256(address))? {
            Some(rlp) => Account::decode(rlp).map(Some),
            None => Ok(None),
        }
    }

    fn storage_link(&self, address: &Address) -> Option<Link> {
        self.storage
            .iter()
            .find(|(a, _)| a == address)
            .map(|(_, l)| *l)
    }

    /// The value of `slot` of `address` (zero when proven absent).
    pub fn get_storage(&self, address: &Address, slot: &U256) -> Result<U256, Error> {
        let key = storage_key(slot);
        let value = match self.storage_link(address) {
            Some(link) => self.trie.get(link, &key)?,
            None => {
                let root = self
                    .get_account(address)?
                    .map_or(EMPTY_ROOT, |a| a.storage_root);
                self.trie.get_by_hash(&root, &key)?
            }
        };
        match value {
            Some(rlp) => crate::account::decode_storage_value(rlp),
            None => Ok(U256::ZERO),
        }
    }

    /// Sets (or with `None` deletes) the account at `address`; its storage is kept unless deleted.
    pub fn set_account(
        &mut self,
        address: &Address,
        info: Option<&AccountInfo>,
    ) -> Result<(), Error> {
        self.check()?;
        let result = self.set_account_inner(address, info);
        self.poison_on(result)
    }

    /// Sets storage `slot` of `address` to `value` (zero deletes the slot).
    ///
    /// An account that does not exist is created empty.
    pub fn set_storage(
        &mut self,
        address: &Address,
        slot: &U256,
        value: &U256,
    ) -> Result<(), Error> {
        self.check()?;
        let result = self.set_storage_inner(address, slot, value);
        self.poison_on(result)
    }

    /// A failed write leaves the state unchanged when a witness node was
    /// missing (walks fail before they modify anything); any other failure
    /// (a full arena) may leave it half-written, so the state refuses all
    /// further use.
    fn poison_on(&mut self, result: Result<(), Error>) -> Result<(), Error> {
        match result {
            Err(e @ Error::MissingWitness { .. }) => Err(e),
            Err(e) => {
                self.poisoned = Some(e);
                Err(e)
            }
            Ok(()) => Ok(()),
        }
    }

    fn set_link(&mut self, address: &Address, link: Link) -> Result<(), Error> {
        if let Some(entry) = self.storage.iter_mut().find(|(a, _)| a == address) {
            entry.1 = link;
            return Ok(());
        }
        self.storage
            .push((*address, link))
            .map_err(|_| Error::TooManyEntries {
                capacity: MAX_TOUCHED_ACCOUNTS,
            })
    }

    fn write_account(&mut self, address: &Address, account: &Account) -> Result<(), Error> {
        let mut buf = [0u8; MAX_ACCOUNT_RLP];
        let n = account.encode_to(&mut buf)?;
        self.root =
            self.trie
                .insert(self.root, &keccak256(address), buf.get(..n).unwrap_or(&[]))?;
        Ok(())
    }

    fn set_account_inner(
        &mut self,
        address: &Address,
        info: Option<&AccountInfo>,
    ) -> Result<(), Error> {
        let current = self.get_account(address)?;
        match info {
            None => {
                if current.is_some() {
                    self.root = self.trie.remove(self.root, &keccak256(address))?;
                }
                // Whatever storage the account had is gone with it.
                self.set_link(address, Link::EMPTY)
            }
            Some(info) => {
                let storage_root = match self.storage_link(address) {
                    Some(link) => self.trie.root_hash(link)?,
                    None => current.map_or(EMPTY_ROOT, |a| a.storage_root),
                };
                self.write_account(address, &Account::from_info(info, storage_root))
            }
        }
    }

    fn set_storage_inner(
        &mut self,
        address: &Address,
        slot: &U256,
        value: &U256,
    ) -> Result<(), Error> {
        let account = self.get_account(address)?.unwrap_or_default();
        let link = match self.storage_link(address) {
            Some(link) => link,
            None => self.trie.link_for_loaded(&account.storage_root)?,
        };
        let key = storage_key(slot);
        let new = if value.is_zero() {
            self.trie.remove(link, &key)?
        } else {
            let mut buf = [0u8; 33];
            let n = encode_storage_value(value, &mut buf);
            self.trie.insert(link, &key, buf.get(..n).unwrap_or(&[]))?
        };
        let storage_root = self.trie.root_hash(new)?;
        self.set_link(address, new)?;
        self.write_account(
            address,
            &Account {
                storage_root,
                ..account
            },
        )
    }

    /// Applies a transaction's results (from `Evm::changes` and
    /// `Evm::storage_changes`): account changes first (a deleted account loses
    /// its storage; `storage_cleared` starts an empty storage trie), then
    /// storage writes to accounts that exist. Deployed code enters the state
    /// root by its hash only; its bytes are not kept.
    pub fn apply_changes<'a>(
        &mut self,
        changes: impl IntoIterator<Item = evm_core::AccountChange<'a>>,
        storage: impl IntoIterator<Item = (Address, U256, U256)>,
    ) -> Result<(), Error> {
        for change in changes {
            match change {
                evm_core::AccountChange::Deleted(address) => self.set_account(&address, None)?,
                evm_core::AccountChange::Updated {
                    address,
                    info,
                    storage_cleared,
                    ..
                } => {
                    if storage_cleared {
                        self.check()?;
                        let r = self.set_link(&address, Link::EMPTY);
                        self.poison_on(r)?;
                    }
                    self.set_account(&address, Some(&info))?;
                }
            }
        }
        for (address, slot, value) in storage {
            if self.get_account(&address)?.is_some() {
                self.set_storage(&address, &slot, &value)?;
            }
        }
        Ok(())
    }

    /// The state root after the writes so far.
    pub fn state_root(&mut self) -> Result<B256, Error> {
        self.check()?;
        self.trie.root_hash(self.root)
    }
}

impl<S: Store> evm_core::State for WitnessState<'_, S> {
    type Error = Error;

    fn account(&self, address: &Address) -> Result<Option<AccountInfo>, Error> {
        Ok(self.get_account(address)?.map(|a| a.info()))
    }

    fn code(&self, code_hash: &B256) -> Result<&[u8], Error> {
        if *code_hash == KECCAK_EMPTY {
            return Ok(&[]);
        }
        self.codes
            .iter()
            .find(|(h, _)| h == code_hash)
            .map(|(_, c)| *c)
            .ok_or(Error::MissingCode { hash: *code_hash })
    }

    fn storage(&self, address: &Address, slot: &U256) -> Result<U256, Error> {
        self.get_storage(address, slot)
    }

    /// Read from the storage root: needs only the account's proof.
    fn has_storage(&self, address: &Address) -> Result<bool, Error> {
        match self.storage_link(address) {
            Some(link) => Ok(!link.is_empty()),
            None => Ok(self
                .get_account(address)?
                .is_some_and(|a| a.storage_root != EMPTY_ROOT)),
        }
    }

    fn block_hash(&self, number: u64) -> Result<B256, Error> {
        self.block_hashes
            .iter()
            .find(|(n, _)| *n == number)
            .map(|(_, h)| *h)
            .ok_or(Error::UnknownBlockHash { number })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::InMemoryState;
    use crate::store::{ArrayStore, VecStore};
    use crate::trie::MemTrie;
    use evm_core::State;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, HashMap};

    /// Full tries of a state, to cut proofs from.
    struct Full {
        state: MemTrie,
        storage: BTreeMap<Address, MemTrie>,
        /// Every node of every trie, by hash.
        nodes: HashMap<B256, Vec<u8>>,
    }

    fn full(s: &InMemoryState) -> Full {
        let mut state = MemTrie::new();
        let mut storage = BTreeMap::new();
        let mut nodes = HashMap::new();
        for (addr, a) in s.accounts() {
            let mut st = MemTrie::new();
            for (slot, v) in &a.storage {
                let mut buf = [0u8; 33];
                let n = encode_storage_value(v, &mut buf);
                st.insert(&storage_key(slot), &buf[..n]).unwrap();
            }
            let acct = Account::from_info(&a.info, st.root_hash().unwrap());
            for slot in a.storage.keys() {
                for n in st.proof(&storage_key(slot)).unwrap() {
                    nodes.insert(keccak256(&n), n);
                }
            }
            storage.insert(*addr, st);
            let mut buf = [0u8; MAX_ACCOUNT_RLP];
            let n = acct.encode_to(&mut buf).unwrap();
            state.insert(&keccak256(addr), &buf[..n]).unwrap();
        }
        for addr in storage.keys() {
            for n in state.proof(&keccak256(addr)).unwrap() {
                nodes.insert(keccak256(&n), n);
            }
        }
        Full {
            state,
            storage,
            nodes,
        }
    }

    impl Full {
        /// The EIP-1186 style proofs of `addr` and its `slots`.
        fn proofs(&mut self, addr: &Address, slots: &[U256]) -> Vec<Vec<u8>> {
            let mut out = self.state.proof(&keccak256(addr)).unwrap();
            if let Some(st) = self.storage.get_mut(addr) {
                for s in slots {
                    out.extend(st.proof(&storage_key(s)).unwrap());
                }
            }
            out
        }
    }

    fn addr(i: u8) -> Address {
        [i; 20]
    }

    fn sample() -> InMemoryState {
        let mut s = InMemoryState::new();
        for i in 1..=20u8 {
            s.insert_account(
                addr(i),
                AccountInfo {
                    nonce: u64::from(i),
                    balance: U256::from(1000u64 * u64::from(i)),
                    ..AccountInfo::default()
                },
            );
            for j in 0..u64::from(i % 5) {
                s.set_storage(addr(i), U256::from(j), U256::from(j + 100));
            }
        }
        s
    }

    #[test]
    fn reads_writes_and_root_match_a_full_rebuild() {
        let mut s = sample();
        let mut f = full(&s);
        let root = s.state_root();
        let mut w = WitnessState::new(VecStore::new(), &root).unwrap();
        let slots = [U256::from(0u64), U256::from(1u64), U256::from(9u64)];
        for p in f.proofs(&addr(4), &slots) {
            w.load_node(&p).unwrap();
        }
        assert_eq!(w.state_root().unwrap(), root);
        assert_eq!(w.account(&addr(4)).unwrap().unwrap().nonce, 4);
        assert_eq!(w.storage(&addr(4), &slots[1]).unwrap(), U256::from(101u64));
        assert_eq!(w.storage(&addr(4), &slots[2]).unwrap(), U256::ZERO);
        assert!(w.has_storage(&addr(4)).unwrap());
        assert!(matches!(
            w.has_storage(&addr(9)),
            Err(Error::MissingWitness { .. })
        ));
        // Not covered by the witness: an error naming the node, never a guess.
        assert!(matches!(
            w.account(&addr(9)),
            Err(Error::MissingWitness { .. })
        ));
        assert!(matches!(
            w.storage(&addr(4), &U256::from(3u64)),
            Err(Error::MissingWitness { .. })
        ));

        w.set_storage(&addr(4), &slots[1], &U256::from(7u64))
            .unwrap();
        w.set_storage(&addr(4), &slots[2], &U256::from(8u64))
            .unwrap();
        let info = AccountInfo {
            nonce: 5,
            ..w.account(&addr(4)).unwrap().unwrap()
        };
        w.set_account(&addr(4), Some(&info)).unwrap();
        s.set_storage(addr(4), slots[1], U256::from(7u64));
        s.set_storage(addr(4), slots[2], U256::from(8u64));
        s.insert_account(addr(4), info);
        assert_eq!(w.state_root().unwrap(), s.state_root());
        assert_eq!(w.storage(&addr(4), &slots[2]).unwrap(), U256::from(8u64));
        let _ = &mut f;
    }

    #[test]
    fn deleting_may_need_a_sibling_and_names_it() {
        let mut s = InMemoryState::new();
        let a = addr(1);
        s.insert_account(a, AccountInfo::default());
        // Two slots: deleting one collapses the branch into the other's leaf.
        s.set_storage(a, U256::from(1u64), U256::from(11u64));
        s.set_storage(a, U256::from(2u64), U256::from(22u64));
        let mut f = full(&s);
        let root = s.state_root();
        let mut w = WitnessState::new(VecStore::new(), &root).unwrap();
        for p in f.proofs(&a, &[U256::from(1u64)]) {
            w.load_node(&p).unwrap();
        }
        let usage = w.arena_usage();
        let err = w
            .set_storage(&a, &U256::from(1u64), &U256::ZERO)
            .unwrap_err();
        let Error::MissingWitness { hash } = err else {
            panic!("{err:?}")
        };
        // The failed write changed nothing and used no arena space.
        assert_eq!(w.arena_usage(), usage);
        assert_eq!(w.state_root().unwrap(), root);
        // The named node is the sibling leaf; with it the delete goes through.
        let sibling = f
            .nodes
            .get(&hash)
            .expect("the named node exists in the full trie")
            .clone();
        w.load_node(&sibling).unwrap();
        w.set_storage(&a, &U256::from(1u64), &U256::ZERO).unwrap();
        s.set_storage(a, U256::from(1u64), U256::ZERO);
        assert_eq!(w.state_root().unwrap(), s.state_root());
    }

    #[test]
    fn fixed_arena_is_enforced_and_poisons_on_overflow() {
        let s = sample();
        let mut f = full(&s);
        let root = s.state_root();
        let proofs = f.proofs(&addr(3), &[U256::from(0u64)]);
        let bytes: usize = proofs.iter().map(Vec::len).sum();
        let nodes = proofs.len();
        // Sized by the documented bound: loading and one write fit.
        const SLOTS: usize = crate::limits::witness_slots(8, 0, 1);
        let mut w: WitnessState<'_, ArrayStore<SLOTS, 4096>> =
            WitnessState::new(ArrayStore::new(), &root).unwrap();
        assert!(nodes <= 8 && crate::limits::witness_bytes(bytes, 1) + 32 <= 4096);
        for p in &proofs {
            w.load_node(p).unwrap();
        }
        w.set_storage(&addr(3), &U256::from(0u64), &U256::from(5u64))
            .unwrap();
        let mut m = s.clone();
        m.set_storage(addr(3), U256::from(0u64), U256::from(5u64));
        assert_eq!(w.state_root().unwrap(), m.state_root());
        // Too small an arena: a typed error, and the state refuses further use.
        let mut tiny: WitnessState<'_, ArrayStore<4, 4096>> =
            WitnessState::new(ArrayStore::new(), &root).unwrap();
        let err = proofs
            .iter()
            .try_for_each(|p| tiny.load_node(p))
            .unwrap_err();
        assert_eq!(err, Error::BufferFull { capacity: 4 });
        let mut small: WitnessState<'_, ArrayStore<{ 8 + 1 }, 4096>> =
            WitnessState::new(ArrayStore::new(), &root).unwrap();
        for p in &proofs {
            small.load_node(p).unwrap();
        }
        let err = small
            .set_storage(&addr(3), &U256::from(0u64), &U256::from(5u64))
            .unwrap_err();
        assert!(matches!(err, Error::BufferFull { .. }), "{err:?}");
        assert_eq!(small.state_root(), Err(err));
    }

    #[test]
    fn slot_size_is_what_the_readme_says() {
        // README "Memory": one arena slot.
        let size = core::mem::size_of::<crate::trie::Slot>();
        println!("slot: {size} bytes");
        assert!(size <= 120, "{size}");
        // README "Memory": the state's own tables besides the arena.
        let fixed = core::mem::size_of::<WitnessState<'static, ArrayStore<0, 0>>>();
        println!("witness state without arena: {fixed} bytes");
        assert!(fixed <= 14 * 1024, "{fixed}");
    }

    #[derive(Debug, Clone)]
    enum Op {
        Storage(u8, u8, u64),
        Account(u8, Option<(u64, u64)>),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => (0u8..8, 0u8..6, 0u64..4).prop_map(|(a, s, v)| Op::Storage(a, s, v)),
            1 => (0u8..8, proptest::option::of((0u64..3, 0u64..3))).prop_map(|(a, i)| Op::Account(a, i)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Writes applied to a witness (with missing siblings fetched on demand, as a host
        /// would) give the same root as the same writes on the full state.
        #[test]
        fn witness_updates_match_full_rebuild(
            pre in proptest::collection::btree_map(0u8..8, (1u64..5, proptest::collection::btree_map(0u8..6, 1u64..4, 0..5)), 0..8),
            ops in proptest::collection::vec(op(), 1..12),
        ) {
            let mut s = InMemoryState::new();
            for (a, (bal, slots)) in &pre {
                s.insert_account(addr(*a), AccountInfo { balance: U256::from(*bal), ..AccountInfo::default() });
                for (k, v) in slots {
                    s.set_storage(addr(*a), U256::from(*k), U256::from(*v));
                }
            }
            let mut f = full(&s);
            let root = s.state_root();
            let mut w = WitnessState::new(VecStore::new(), &root).unwrap();
            // Slots taken by loading, and the deepest proof: for the documented bound.
            let mut loaded = 0;
            let mut depth = 0;
            for o in &ops {
                let (a, slots) = match o {
                    Op::Storage(a, k, _) => (*a, vec![U256::from(*k)]),
                    Op::Account(a, _) => (*a, vec![]),
                };
                let proofs = f.proofs(&addr(a), &slots);
                depth = depth.max(proofs.len());
                for p in proofs {
                    let before = w.arena_usage().0;
                    w.load_node(&p).unwrap();
                    loaded += w.arena_usage().0 - before;
                }
            }
            for o in &ops {
                for _ in 0..8 {
                    let r = match o {
                        Op::Storage(a, k, v) => w.set_storage(&addr(*a), &U256::from(*k), &U256::from(*v)),
                        Op::Account(a, None) => w.set_account(&addr(*a), None),
                        Op::Account(a, Some((n, b))) => w.set_account(&addr(*a), Some(&AccountInfo { nonce: *n, balance: U256::from(*b), ..AccountInfo::default() })),
                    };
                    match r {
                        Ok(()) => break,
                        Err(Error::MissingWitness { hash }) => {
                            let node = f.nodes.get(&hash).cloned();
                            prop_assert!(node.is_some(), "named node not in the pre-state");
                            let before = w.arena_usage().0;
                            w.load_node(&node.unwrap()).unwrap();
                            loaded += w.arena_usage().0 - before;
                            depth += 1;
                        }
                        Err(e) => prop_assert!(false, "{e:?}"),
                    }
                }
                match o {
                    Op::Storage(a, k, v) => s.set_storage(addr(*a), U256::from(*k), U256::from(*v)),
                    Op::Account(a, None) => s.remove_account(&addr(*a)),
                    Op::Account(a, Some((n, b))) => s.insert_account(addr(*a), AccountInfo { nonce: *n, balance: U256::from(*b), ..AccountInfo::default() }),
                }
            }
            prop_assert_eq!(w.state_root().unwrap(), s.state_root());
            let bound = crate::limits::witness_slots_at_depth(loaded, 0, ops.len(), depth + 2 * ops.len());
            prop_assert!(w.arena_usage().0 <= bound, "{} slots > bound {}", w.arena_usage().0, bound);
        }
    }
}
