//! The bounded journaled cache of accounts, storage, transient storage and logs of one transaction.

use crate::buf::SliceVec;
use crate::error::{Error, Resource};
use crate::index::{slot_hash, KeyIndex};
use crate::state::{u256_eq, AccountInfo, Address, State, B256, KECCAK_EMPTY, U256};

pub use crate::code::{CodeArena, CodeLoc, CODE_HEADER, CODE_PADDING};

/// Account flag: in the EIP-2929 accessed set.
pub const WARM: u8 = 1;
/// Account flag: touched (EIP-161).
pub const TOUCHED: u8 = 2;
/// Account flag: created in this transaction (EIP-6780).
pub const CREATED: u8 = 4;
/// Account flag: scheduled for deletion by SELFDESTRUCT.
pub const SELFDESTRUCTED: u8 = 8;
/// Account flag: storage is known to be empty (fresh creation); the state is not asked.
pub const STORAGE_CLEARED: u8 = 16;
/// Account flag: the code is in the code arena at `code`.
pub const CODE_LOADED: u8 = 32;
/// Account flag: the code was set by this transaction.
pub const NEW_CODE: u8 = 64;
/// Account flag: the account existed in the pre-state.
pub const EXISTED: u8 = 128;

static NO_ACCOUNT: CachedAccount = CachedAccount {
    address: [0; 20],
    info: AccountInfo {
        nonce: 0,
        balance: U256::ZERO,
        code_hash: KECCAK_EMPTY,
    },
    code: CodeLoc { off: 0, len: 0 },
    flags: 0,
};

/// One cached account.
#[derive(Debug, Clone, Copy, Default)]
pub struct CachedAccount {
    /// Its address.
    pub address: Address,
    /// Current nonce, balance and code hash.
    pub info: AccountInfo,
    /// Code location when [`CODE_LOADED`] is set.
    pub code: CodeLoc,
    /// Flag bits ([`WARM`], [`TOUCHED`]...).
    pub flags: u8,
}

/// One cached storage slot.
#[derive(Debug, Clone, Copy, Default)]
pub struct CachedSlot {
    /// Index of the account in the account cache.
    pub account: u32,
    /// Whether the slot is in the EIP-2929 accessed set.
    pub warm: bool,
    /// Slot key.
    pub key: U256,
    /// Value at the start of the transaction.
    pub original: U256,
    /// Current value.
    pub current: U256,
}

/// One transient storage slot (EIP-1153).
#[derive(Debug, Clone, Copy, Default)]
pub struct TransientSlot {
    /// Index of the account in the account cache.
    pub account: u32,
    /// Slot key.
    pub key: U256,
    /// Value.
    pub value: U256,
}

/// One log of the transaction.
#[derive(Debug, Clone, Copy, Default)]
pub struct Log {
    /// Emitting contract.
    pub address: Address,
    /// Topics (the first `topic_count` are used).
    pub topics: [B256; 4],
    /// Number of topics.
    pub topic_count: u8,
    /// Offset of the data in the log-data buffer.
    pub data_off: u32,
    /// Length of the data.
    pub data_len: u32,
}

/// An undo record.
#[derive(Debug, Clone, Copy)]
pub enum JournalEntry {
    /// Account flags before a change.
    Flags {
        /// Account index.
        account: u32,
        /// Previous flags.
        old: u8,
    },
    /// Balance before a change.
    Balance {
        /// Account index.
        account: u32,
        /// Previous balance.
        old: U256,
    },
    /// Nonce before a change.
    Nonce {
        /// Account index.
        account: u32,
        /// Previous nonce.
        old: u64,
    },
    /// Code before a change.
    Code {
        /// Account index.
        account: u32,
        /// Previous code hash.
        old_hash: B256,
        /// Previous code location.
        old_loc: CodeLoc,
    },
    /// A slot became warm.
    SlotWarmed {
        /// Slot index.
        slot: u32,
    },
    /// Slot value before a change.
    Storage {
        /// Slot index.
        slot: u32,
        /// Previous value.
        old: U256,
    },
    /// Transient value before a change.
    Transient {
        /// Transient slot index.
        slot: u32,
        /// Previous value.
        old: U256,
    },
}

impl Default for JournalEntry {
    fn default() -> Self {
        Self::Flags { account: 0, old: 0 }
    }
}

/// A point the journal can be reverted to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Checkpoint {
    /// Journal length.
    pub journal: u32,
    /// Number of logs.
    pub logs: u32,
    /// Log data bytes.
    pub log_data: u32,
}

/// Result of an SSTORE's bookkeeping.
#[derive(Debug, Clone, Copy)]
pub struct SstoreInfo {
    /// Value at transaction start.
    pub original: U256,
    /// Value before this store.
    pub current: U256,
    /// Whether the slot was cold.
    pub cold: bool,
}

/// The cache and undo journal of one transaction.
#[derive(Debug)]
pub struct Journal<'b> {
    pub(crate) accounts: SliceVec<'b, CachedAccount>,
    pub(crate) slots: SliceVec<'b, CachedSlot>,
    pub(crate) slot_index: KeyIndex<'b>,
    pub(crate) transient: SliceVec<'b, TransientSlot>,
    pub(crate) transient_index: KeyIndex<'b>,
    pub(crate) entries: SliceVec<'b, JournalEntry>,
    pub(crate) logs: SliceVec<'b, Log>,
    pub(crate) log_data: SliceVec<'b, u8>,
    /// The fork in force: which addresses are (always warm) precompiles.
    pub(crate) spec: crate::spec::Spec,
}

type R<T, E> = Result<T, Error<E>>;

impl<'b> Journal<'b> {
    /// A journal over the given buffers. The index tables (lengths a power of
    /// two, see [`crate::index::table_len`]) may be empty: lookups are then linear.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        accounts: &'b mut [CachedAccount],
        slots: &'b mut [CachedSlot],
        slot_index: &'b mut [u32],
        transient: &'b mut [TransientSlot],
        transient_index: &'b mut [u32],
        entries: &'b mut [JournalEntry],
        logs: &'b mut [Log],
        log_data: &'b mut [u8],
    ) -> Self {
        Self {
            accounts: SliceVec::new(accounts),
            slots: SliceVec::new(slots),
            slot_index: KeyIndex::new(slot_index),
            transient: SliceVec::new(transient),
            transient_index: KeyIndex::new(transient_index),
            entries: SliceVec::new(entries),
            logs: SliceVec::new(logs),
            log_data: SliceVec::new(log_data),
            spec: crate::spec::Spec::default(),
        }
    }

    /// Forgets everything (start of a new transaction).
    pub fn clear(&mut self) {
        self.clear_indexes();
        self.accounts.clear();
        self.slots.clear();
        self.transient.clear();
        self.entries.clear();
        self.logs.clear();
        self.log_data.clear();
    }

    /// Empties the slot index tables (O(slots used)) and keeps the slots: the
    /// end of a transaction hands the tables back clean, so that the next
    /// [`Journal::new`] over the same buffers needs no wipe. Lookups are only
    /// valid again after [`Journal::clear`].
    pub fn clear_indexes(&mut self) {
        let slots = self.slots.as_slice().iter();
        self.slot_index
            .clear(slots.len(), slots.map(|s| slot_hash(s.account, &s.key)));
        let t = self.transient.as_slice().iter();
        self.transient_index
            .clear(t.len(), t.map(|s| slot_hash(s.account, &s.key)));
    }

    #[inline]
    fn record<E>(&mut self, e: JournalEntry) -> R<(), E> {
        self.entries
            .push(e)
            .map_err(|_| Error::Capacity(Resource::Journal))
    }

    /// The current checkpoint.
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            journal: self.entries.len() as u32,
            logs: self.logs.len() as u32,
            log_data: self.log_data.len() as u32,
        }
    }

    /// Undoes every change after `cp`.
    pub fn revert(&mut self, cp: Checkpoint) {
        while self.entries.len() > cp.journal as usize {
            let Some(e) = self.entries.pop() else { break };
            match e {
                JournalEntry::Flags { account, old } => {
                    if let Some(a) = self.accounts.get_mut(account as usize) {
                        a.flags = old;
                    }
                }
                JournalEntry::Balance { account, old } => {
                    if let Some(a) = self.accounts.get_mut(account as usize) {
                        a.info.balance = old;
                    }
                }
                JournalEntry::Nonce { account, old } => {
                    if let Some(a) = self.accounts.get_mut(account as usize) {
                        a.info.nonce = old;
                    }
                }
                JournalEntry::Code {
                    account,
                    old_hash,
                    old_loc,
                } => {
                    if let Some(a) = self.accounts.get_mut(account as usize) {
                        a.info.code_hash = old_hash;
                        a.code = old_loc;
                    }
                }
                JournalEntry::SlotWarmed { slot } => {
                    if let Some(s) = self.slots.get_mut(slot as usize) {
                        s.warm = false;
                    }
                }
                JournalEntry::Storage { slot, old } => {
                    if let Some(s) = self.slots.get_mut(slot as usize) {
                        s.current = old;
                    }
                }
                JournalEntry::Transient { slot, old } => {
                    if let Some(s) = self.transient.get_mut(slot as usize) {
                        s.value = old;
                    }
                }
            }
        }
        self.logs.truncate(cp.logs as usize);
        self.log_data.truncate(cp.log_data as usize);
    }

    /// Index of `address` in the cache, loading it from `state` if needed (warmth unchanged).
    pub fn load<S: State>(&mut self, state: &S, address: &Address) -> R<u32, S::Error> {
        if let Some(i) = self
            .accounts
            .as_slice()
            .iter()
            .position(|a| a.address == *address)
        {
            return Ok(i as u32);
        }
        let loaded = state.account(address).map_err(Error::State)?;
        let (info, flags) = match loaded {
            Some(info) => (info, EXISTED),
            None => (AccountInfo::default(), 0),
        };
        let i = self.accounts.len() as u32;
        self.accounts
            .push(CachedAccount {
                address: *address,
                info,
                code: CodeLoc::default(),
                flags,
            })
            .map_err(|_| Error::Capacity(Resource::Accounts))?;
        Ok(i)
    }

    /// The cached account at `i`.
    #[inline]
    pub fn account(&self, i: u32) -> &CachedAccount {
        // Indexes only come from `load`; an out-of-range index reads the first entry.
        self.accounts.get(i as usize).unwrap_or(&NO_ACCOUNT)
    }

    #[inline]
    fn account_mut(&mut self, i: u32) -> Option<&mut CachedAccount> {
        self.accounts.get_mut(i as usize)
    }

    /// Sets flag bits (journaled).
    pub fn set_flags<E>(&mut self, i: u32, bits: u8) -> R<(), E> {
        let Some(a) = self.account_mut(i) else {
            return Ok(());
        };
        let old = a.flags;
        if old & bits == bits {
            return Ok(());
        }
        a.flags |= bits;
        self.record(JournalEntry::Flags { account: i, old })
    }

    /// Sets flag bits without journaling (transaction set-up, code cache).
    pub fn set_flags_unjournaled(&mut self, i: u32, bits: u8) {
        if let Some(a) = self.account_mut(i) {
            a.flags |= bits;
        }
    }

    /// Loads `address` and marks it warm; returns its index and whether it was cold.
    pub fn access<S: State>(&mut self, state: &S, address: &Address) -> R<(u32, bool), S::Error> {
        let i = self.load(state, address)?;
        let cold = self.account(i).flags & WARM == 0
            && !crate::precompile::is_precompile_in(self.spec, address);
        if cold {
            self.set_flags(i, WARM)?;
        }
        Ok((i, cold))
    }

    /// Sets the balance (journaled) and touches the account.
    pub fn set_balance<E>(&mut self, i: u32, balance: U256) -> R<(), E> {
        let Some(a) = self.account_mut(i) else {
            return Ok(());
        };
        let old = a.info.balance;
        a.info.balance = balance;
        self.record(JournalEntry::Balance { account: i, old })?;
        self.set_flags(i, TOUCHED)
    }

    /// Sets the nonce (journaled) and touches the account.
    pub fn set_nonce<E>(&mut self, i: u32, nonce: u64) -> R<(), E> {
        let Some(a) = self.account_mut(i) else {
            return Ok(());
        };
        let old = a.info.nonce;
        a.info.nonce = nonce;
        self.record(JournalEntry::Nonce { account: i, old })?;
        self.set_flags(i, TOUCHED)
    }

    /// Sets code (journaled).
    pub fn set_code<E>(&mut self, i: u32, hash: B256, loc: CodeLoc) -> R<(), E> {
        let Some(a) = self.account_mut(i) else {
            return Ok(());
        };
        let old_hash = a.info.code_hash;
        let old_loc = a.code;
        a.info.code_hash = hash;
        a.code = loc;
        self.record(JournalEntry::Code {
            account: i,
            old_hash,
            old_loc,
        })?;
        self.set_flags(i, CODE_LOADED | NEW_CODE | TOUCHED)
    }

    /// Moves `value` from `from` to `to`; `Ok(false)` when `from` cannot pay.
    pub fn transfer<E>(&mut self, from: u32, to: u32, value: U256) -> R<bool, E> {
        let fb = self.account(from).info.balance;
        let Some(nb) = fb.checked_sub(value) else {
            return Ok(false);
        };
        self.set_balance(from, nb)?;
        let tb = self.account(to).info.balance;
        self.set_balance(to, tb.saturating_add(value))?;
        Ok(true)
    }

    /// Code of account `i`, loading it into `arena` on first use.
    pub fn code<S: State>(
        &mut self,
        state: &S,
        arena: &mut CodeArena<'_>,
        i: u32,
    ) -> R<CodeLoc, S::Error> {
        let a = *self.account(i);
        if a.flags & CODE_LOADED != 0 {
            return Ok(a.code);
        }
        let hash = a.info.code_hash;
        let loc = if let Some(loc) = arena.find(&hash).filter(|_| arena.caching()) {
            loc
        } else if hash == KECCAK_EMPTY {
            arena.push_state_code(&hash, &[]).map_err(Error::Capacity)?
        } else {
            let code = state.code(&hash).map_err(Error::State)?;
            arena
                .push_state_code(&hash, code)
                .map_err(Error::Capacity)?
        };
        if let Some(m) = self.account_mut(i) {
            m.code = loc;
            m.flags |= CODE_LOADED;
        }
        Ok(loc)
    }

    fn find_slot(&self, account: u32, key: &U256) -> Option<usize> {
        let slots = self.slots.as_slice();
        if self.slot_index.enabled() {
            return self
                .slot_index
                .find(slot_hash(account, key), slots.len(), |i| {
                    slots
                        .get(i)
                        .is_some_and(|s| s.account == account && u256_eq(&s.key, key))
                });
        }
        slots
            .iter()
            .rposition(|s| s.account == account && u256_eq(&s.key, key))
    }

    fn find_transient(&self, account: u32, key: &U256) -> Option<usize> {
        let t = self.transient.as_slice();
        if self.transient_index.enabled() {
            return self
                .transient_index
                .find(slot_hash(account, key), t.len(), |i| {
                    t.get(i)
                        .is_some_and(|s| s.account == account && u256_eq(&s.key, key))
                });
        }
        t.iter()
            .position(|s| s.account == account && u256_eq(&s.key, key))
    }

    fn load_slot<S: State>(&mut self, state: &S, account: u32, key: &U256) -> R<usize, S::Error> {
        if let Some(i) = self.find_slot(account, key) {
            return Ok(i);
        }
        let a = self.account(account);
        let value = if a.flags & STORAGE_CLEARED != 0 {
            U256::ZERO
        } else {
            state.storage(&a.address, key).map_err(Error::State)?
        };
        let i = self.slots.len();
        let existing = self.slots.as_slice().iter();
        let existing = existing.map(|s| slot_hash(s.account, &s.key));
        if !self.slot_index.add(slot_hash(account, key), i, existing) {
            return Err(Error::Capacity(Resource::Slots));
        }
        self.slots
            .push(CachedSlot {
                account,
                warm: false,
                key: *key,
                original: value,
                current: value,
            })
            .map_err(|_| Error::Capacity(Resource::Slots))?;
        Ok(i)
    }

    /// Marks a slot warm without journaling (access list); returns whether it was cold.
    pub fn warm_slot_unjournaled<S: State>(
        &mut self,
        state: &S,
        account: u32,
        key: &U256,
    ) -> R<(), S::Error> {
        let i = self.load_slot(state, account, key)?;
        if let Some(s) = self.slots.get_mut(i) {
            s.warm = true;
        }
        Ok(())
    }

    fn warm_slot<E>(&mut self, i: usize) -> R<bool, E> {
        let Some(s) = self.slots.get_mut(i) else {
            return Ok(false);
        };
        if s.warm {
            return Ok(false);
        }
        s.warm = true;
        self.record(JournalEntry::SlotWarmed { slot: i as u32 })?;
        Ok(true)
    }

    /// SLOAD: the current value and whether the slot was cold.
    pub fn sload<S: State>(
        &mut self,
        state: &S,
        account: u32,
        key: &U256,
    ) -> R<(U256, bool), S::Error> {
        let i = self.load_slot(state, account, key)?;
        let cold = self.warm_slot(i)?;
        let v = self.slots.get(i).map_or(U256::ZERO, |s| s.current);
        Ok((v, cold))
    }

    /// SSTORE: writes `value` and reports what the gas rules need.
    pub fn sstore<S: State>(
        &mut self,
        state: &S,
        account: u32,
        key: &U256,
        value: U256,
    ) -> R<SstoreInfo, S::Error> {
        let i = self.load_slot(state, account, key)?;
        let cold = self.warm_slot(i)?;
        let Some(s) = self.slots.get_mut(i) else {
            return Err(Error::Capacity(Resource::Slots));
        };
        let info = SstoreInfo {
            original: s.original,
            current: s.current,
            cold,
        };
        if s.current != value {
            s.current = value;
            self.record(JournalEntry::Storage {
                slot: i as u32,
                old: info.current,
            })?;
        }
        Ok(info)
    }

    /// TLOAD.
    pub fn tload(&self, account: u32, key: &U256) -> U256 {
        self.find_transient(account, key)
            .and_then(|i| self.transient.get(i))
            .map_or(U256::ZERO, |t| t.value)
    }

    /// TSTORE (journaled).
    pub fn tstore<E>(&mut self, account: u32, key: &U256, value: U256) -> R<(), E> {
        let found = self.find_transient(account, key);
        let i = match found {
            Some(i) => i,
            None => {
                if value.is_zero() {
                    return Ok(());
                }
                let i = self.transient.len();
                let existing = self.transient.as_slice().iter();
                let existing = existing.map(|s| slot_hash(s.account, &s.key));
                if !self
                    .transient_index
                    .add(slot_hash(account, key), i, existing)
                {
                    return Err(Error::Capacity(Resource::TransientSlots));
                }
                self.transient
                    .push(TransientSlot {
                        account,
                        key: *key,
                        value: U256::ZERO,
                    })
                    .map_err(|_| Error::Capacity(Resource::TransientSlots))?;
                i
            }
        };
        let Some(t) = self.transient.get_mut(i) else {
            return Ok(());
        };
        let old = t.value;
        t.value = value;
        self.record(JournalEntry::Transient {
            slot: i as u32,
            old,
        })
    }

    /// Appends a log.
    pub fn log<E>(&mut self, address: Address, topics: &[B256], data: &[u8]) -> R<(), E> {
        let data_off = self
            .log_data
            .extend_from_slice(data)
            .map_err(|_| Error::Capacity(Resource::LogData))?;
        let mut t = [[0u8; 32]; 4];
        for (d, s) in t.iter_mut().zip(topics) {
            *d = *s;
        }
        self.logs
            .push(Log {
                address,
                topics: t,
                topic_count: topics.len().min(4) as u8,
                data_off: data_off as u32,
                data_len: data.len() as u32,
            })
            .map_err(|_| Error::Capacity(Resource::Logs))
    }

    /// Marks a freshly created account: storage empty, nonce 1 (EIP-161), flagged created.
    pub fn mark_created<E>(&mut self, i: u32) -> R<(), E> {
        self.set_flags(i, CREATED | STORAGE_CLEARED | TOUCHED)?;
        self.set_nonce(i, 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Empty;
    impl State for Empty {
        type Error = ();
        fn account(&self, _: &Address) -> Result<Option<AccountInfo>, ()> {
            Ok(None)
        }
        fn code(&self, _: &B256) -> Result<&[u8], ()> {
            Ok(&[])
        }
        fn storage(&self, _: &Address, slot: &U256) -> Result<U256, ()> {
            Ok(*slot)
        }
        fn block_hash(&self, _: u64) -> Result<B256, ()> {
            Ok([0; 32])
        }
    }

    #[test]
    fn revert_restores_everything() {
        let mut a = [CachedAccount::default(); 4];
        let mut s = [CachedSlot::default(); 4];
        let mut t = [TransientSlot::default(); 4];
        let mut e = [JournalEntry::default(); 32];
        let mut l = [Log::default(); 2];
        let mut d = [0u8; 8];
        let mut j = Journal::new(
            &mut a,
            &mut s,
            &mut [],
            &mut t,
            &mut [],
            &mut e,
            &mut l,
            &mut d,
        );
        let (x, cold) = j.access(&Empty, &[1; 20]).unwrap();
        assert!(cold);
        let cp = j.checkpoint();
        j.set_balance::<()>(x, U256::from(5)).unwrap();
        let info = j.sstore(&Empty, x, &U256::from(7), U256::from(9)).unwrap();
        assert_eq!(info.original, U256::from(7));
        assert!(info.cold);
        j.tstore::<()>(x, &U256::from(1), U256::from(2)).unwrap();
        j.log::<()>([1; 20], &[[2; 32]], &[1, 2, 3]).unwrap();
        assert_eq!(j.tload(x, &U256::from(1)), U256::from(2));
        j.revert(cp);
        assert_eq!(j.account(x).info.balance, U256::ZERO);
        assert_eq!(
            j.sload(&Empty, x, &U256::from(7)).unwrap(),
            (U256::from(7), true)
        );
        assert_eq!(j.tload(x, &U256::from(1)), U256::ZERO);
        assert_eq!(j.logs.len(), 0);
        assert!(j.account(x).flags & WARM != 0);
        assert!(j.account(x).flags & TOUCHED == 0);
    }

    #[test]
    fn full_buffers_are_errors() {
        let mut a = [CachedAccount::default(); 1];
        let mut s: [CachedSlot; 0] = [];
        let mut t: [TransientSlot; 0] = [];
        let mut e = [JournalEntry::default(); 8];
        let mut l: [Log; 0] = [];
        let mut d = [0u8; 0];
        let mut j = Journal::new(
            &mut a,
            &mut s,
            &mut [],
            &mut t,
            &mut [],
            &mut e,
            &mut l,
            &mut d,
        );
        j.load(&Empty, &[1; 20]).unwrap();
        assert_eq!(
            j.load(&Empty, &[2; 20]),
            Err(Error::Capacity(Resource::Accounts))
        );
        assert_eq!(
            j.sload(&Empty, 0, &U256::ZERO),
            Err(Error::Capacity(Resource::Slots))
        );
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        #[derive(Debug, Clone)]
        enum Op {
            Balance(u8, u64),
            Nonce(u8, u64),
            Store(u8, u8, u64),
            TStore(u8, u8, u64),
            Log(u8),
            Checkpoint,
            Revert,
        }

        fn op() -> impl Strategy<Value = Op> {
            prop_oneof![
                (0u8..3, any::<u64>()).prop_map(|(a, v)| Op::Balance(a, v)),
                (0u8..3, any::<u64>()).prop_map(|(a, v)| Op::Nonce(a, v)),
                (0u8..3, 0u8..4, 0u64..3).prop_map(|(a, k, v)| Op::Store(a, k, v)),
                (0u8..3, 0u8..4, 0u64..3).prop_map(|(a, k, v)| Op::TStore(a, k, v)),
                (0u8..3).prop_map(Op::Log),
                Just(Op::Checkpoint),
                Just(Op::Revert),
            ]
        }

        type Snapshot = (Vec<(U256, u64, u8)>, Vec<U256>, Vec<U256>, usize);

        fn snapshot(j: &mut Journal<'_>) -> Snapshot {
            let accts = j
                .accounts
                .as_slice()
                .iter()
                .map(|a| (a.info.balance, a.info.nonce, a.flags))
                .collect();
            let mut slots = Vec::new();
            let mut transient = Vec::new();
            for a in 0..3u32 {
                for k in 0..4u64 {
                    slots.push(
                        j.slots
                            .as_slice()
                            .iter()
                            .find(|s| s.account == a && s.key == U256::from(k))
                            .map_or(U256::from(k), |s| s.current),
                    );
                    transient.push(j.tload(a, &U256::from(k)));
                }
            }
            (accts, slots, transient, j.logs.len())
        }

        proptest! {
            /// Reverting to a checkpoint restores balances, nonces, flags,
            /// storage, transient storage and logs, however changes nest.
            #[test]
            fn revert_restores(ops in prop::collection::vec(op(), 0..60)) {
                let mut a = [CachedAccount::default(); 4];
                let mut s = [CachedSlot::default(); 16];
                let mut si = [0u32; 32];
                let mut t = [TransientSlot::default(); 16];
                let mut ti = [0u32; 32];
                let mut e = [JournalEntry::default(); 512];
                let mut l = [Log::default(); 64];
                let mut d = [0u8; 64];
                let mut j = Journal::new(&mut a, &mut s, &mut si, &mut t, &mut ti, &mut e, &mut l, &mut d);
                for i in 0..3u8 {
                    j.load(&Empty, &[i; 20]).unwrap();
                }
                let mut stack = vec![(j.checkpoint(), snapshot(&mut j))];
                for op in ops {
                    match op {
                        Op::Balance(x, v) => j.set_balance::<()>(x as u32, U256::from(v)).unwrap(),
                        Op::Nonce(x, v) => j.set_nonce::<()>(x as u32, v).unwrap(),
                        Op::Store(x, k, v) => {
                            j.sstore(&Empty, x as u32, &U256::from(k), U256::from(v)).unwrap();
                        }
                        Op::TStore(x, k, v) => {
                            j.tstore::<()>(x as u32, &U256::from(k), U256::from(v)).unwrap();
                        }
                        Op::Log(x) => j.log::<()>([x; 20], &[], &[x]).unwrap(),
                        Op::Checkpoint => {
                            let snap = snapshot(&mut j);
                            stack.push((j.checkpoint(), snap));
                        }
                        Op::Revert => {
                            if let Some((cp, snap)) = stack.pop() {
                                j.revert(cp);
                                // Slots first loaded after the checkpoint stay cached but hold their original value.
                                let now = snapshot(&mut j);
                                prop_assert_eq!(&now.0, &snap.0);
                                prop_assert_eq!(&now.1, &snap.1);
                                prop_assert_eq!(&now.2, &snap.2);
                                prop_assert_eq!(now.3, snap.3);
                            }
                            if stack.is_empty() {
                                stack.push((j.checkpoint(), snapshot(&mut j)));
                            }
                        }
                    }
                }
            }
        }
    }
}
