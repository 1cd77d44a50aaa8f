//! The bounded journaled cache of accounts, storage, transient storage and logs of one transaction.

use crate::buf::SliceVec;
use crate::error::{Error, Resource};
use crate::index::{slot_hash, KeyIndex};
use crate::state::{u256_eq, AccountInfo, Address, State, B256, KECCAK_EMPTY, U256};

/// Bytes of zero padding stored after each code in the code arena (PUSH32 at the end reads them).
pub const CODE_PADDING: usize = 33;

/// Where a code sits in the code arena: `len` bytes at `off`, then
/// [`CODE_PADDING`] zero bytes, then the jump-destination bitmap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CodeLoc {
    /// Offset in the code arena.
    pub off: u32,
    /// Code length.
    pub len: u32,
}

impl CodeLoc {
    /// Offset of the jump-destination bitmap.
    #[inline]
    pub fn bitmap_off(&self) -> usize {
        self.off as usize + self.len as usize + CODE_PADDING
    }
    /// Bytes this code occupies in the arena.
    pub fn arena_len(len: usize) -> usize {
        len + CODE_PADDING + len.div_ceil(8)
    }
}

// Jump analysis on 8 code bytes at a time, as one little-endian `u64` (SWAR):
// each helper sets bit 7 of the bytes it selects and clears every other bit.
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
const HIGH: u64 = 0x8080_8080_8080_8080;
const ONES: u64 = 0x0101_0101_0101_0101;

/// Bytes `>= lo` and `<= 0x7f` (`lo` >= 1 repeated in each byte of `lo8`).
#[inline(always)]
fn at_least(w: u64, lo8: u64) -> u64 {
    // Per byte, (b & 0x7f | 0x80) - lo keeps bit 7 iff b & 0x7f >= lo; no borrow crosses bytes.
    (((w & LOW7) | HIGH) - lo8) & !w & HIGH
}

/// Bytes equal to zero.
#[inline(always)]
fn zero_bytes(w: u64) -> u64 {
    !(((w & LOW7) + LOW7) | w) & HIGH
}

/// Bit 7 of byte `k` moved to bit `k`.
#[inline(always)]
fn gather(m: u64) -> u8 {
    ((m >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u8
}

/// Sets bit `i % 8` of `bitmap[i / 8]` for each JUMPDEST at `i` outside push data.
///
/// Walks 8 bytes at a time from an instruction boundary: the bytes before
/// the first PUSH opcode among them are single-byte instructions, so their
/// JUMPDESTs are marked together and the walk moves to that PUSH (or 8
/// bytes on); only PUSHes, whose data is skipped, are visited one by one.
fn mark_jumpdests(code: &[u8], bitmap: &mut [u8]) {
    let mut i = 0;
    while i < code.len() {
        let w = match code.get(i..i + 8).and_then(|s| <[u8; 8]>::try_from(s).ok()) {
            Some(b) => u64::from_le_bytes(b),
            None => {
                // The last few bytes; the zeros past the end are STOPs.
                let mut b = [0u8; 8];
                let tail = code.get(i..).unwrap_or(&[]);
                b.iter_mut().zip(tail).for_each(|(d, s)| *d = *s);
                u64::from_le_bytes(b)
            }
        };
        if at_least(w, 0x5b * ONES) == 0 {
            i += 8; // no JUMPDEST (0x5b) or PUSH (0x60..=0x7f)
            continue;
        }
        let pushes = at_least(w, 0x60 * ONES);
        // JUMPDESTs before the first PUSH (all of them when there is none).
        let jd = zero_bytes(w ^ (0x5b * ONES)) & pushes.wrapping_sub(1) & !pushes;
        if jd != 0 {
            let v = u16::from(gather(jd)) << (i % 8);
            if let Some(x) = bitmap.get_mut(i / 8) {
                *x |= v as u8;
            }
            if let Some(x) = bitmap.get_mut(i / 8 + 1) {
                *x |= (v >> 8) as u8;
            }
        }
        if pushes == 0 {
            i += 8;
            continue;
        }
        i += pushes.trailing_zeros() as usize / 8;
        let op = code.get(i).copied().unwrap_or(0);
        i += 1 + crate::opcode::OpInfo::immediate_len(op);
    }
}

/// Bytes of the header before a cached code in the code arena: its code hash
/// and its length (`u32`, little-endian).
pub const CODE_HEADER: usize = 32 + 4;

/// Append-only arena of code, padding and jump-destination bitmaps.
///
/// Code read from the state by hash may be kept across transactions: while
/// caching is on, such code is stored after a [`CODE_HEADER`] (hash, length)
/// as long as everything before it in the arena is cached code too. This
/// leading run of cached entries (`kept` bytes) survives
/// [`CodeArena::start_tx`], and [`CodeArena::find`] looks code up in it by hash.
/// Everything after it (initcode, deployed code, and state code pushed after
/// those) is dropped at the start of the next transaction.
#[derive(Debug)]
pub struct CodeArena<'b> {
    buf: SliceVec<'b, u8>,
    /// End of the leading run of cached entries.
    kept: usize,
    /// Whether state code is cached (stored with a header and looked up by hash).
    caching: bool,
}

impl<'b> CodeArena<'b> {
    /// An empty arena over `buf`, caching off.
    pub fn new(buf: &'b mut [u8]) -> Self {
        Self {
            buf: SliceVec::new(buf),
            kept: 0,
            caching: false,
        }
    }

    /// Forgets all code, cached code included.
    pub fn clear(&mut self) {
        self.buf.clear();
        self.kept = 0;
    }

    /// Starts a transaction: with `caching`, keeps the cached entries and drops
    /// the rest; without, forgets all code.
    pub fn start_tx(&mut self, caching: bool) {
        self.caching = caching;
        if caching {
            self.buf.truncate(self.kept);
        } else {
            self.clear();
        }
    }

    /// Whether state code is being cached in this transaction.
    pub fn caching(&self) -> bool {
        self.caching
    }

    /// Bytes of cached entries kept for later transactions.
    pub fn kept(&self) -> usize {
        self.kept
    }

    /// The location of the cached code with hash `hash`, if any.
    pub fn find(&self, hash: &B256) -> Option<CodeLoc> {
        let buf = self.buf.as_slice().get(..self.kept)?;
        let mut off = 0;
        while let Some(h) = buf.get(off..off + CODE_HEADER) {
            let len = u32::from_le_bytes([h[32], h[33], h[34], h[35]]);
            let code_off = off + CODE_HEADER;
            if h.get(..32) == Some(hash.as_slice()) {
                return Some(CodeLoc {
                    off: code_off as u32,
                    len,
                });
            }
            off = code_off + CodeLoc::arena_len(len as usize);
        }
        None
    }

    /// Pushes code read from the state under `hash`: cached (after a header)
    /// when caching is on and the arena holds only cached entries, else as [`CodeArena::push`].
    pub fn push_state_code(&mut self, hash: &B256, code: &[u8]) -> Result<CodeLoc, Resource> {
        if !self.caching || self.buf.len() != self.kept {
            return self.push(code);
        }
        let mut header = [0u8; CODE_HEADER];
        header[..32].copy_from_slice(hash);
        header[32..].copy_from_slice(&(code.len() as u32).to_le_bytes());
        let room = self.buf.capacity() - self.buf.len();
        if room < CODE_HEADER + CodeLoc::arena_len(code.len()) {
            return Err(Resource::Code);
        }
        self.buf
            .extend_from_slice(&header)
            .map_err(|_| Resource::Code)?;
        let loc = self.push(code)?;
        self.kept = self.buf.len();
        Ok(loc)
    }

    /// Copies `code` in, analyses its jump destinations and returns its location.
    pub fn push(&mut self, code: &[u8]) -> Result<CodeLoc, Resource> {
        let total = CodeLoc::arena_len(code.len());
        let off = self.buf.len();
        if self.buf.capacity() - off < total || off > u32::MAX as usize - total {
            return Err(Resource::Code);
        }
        self.buf
            .extend_from_slice(code)
            .map_err(|_| Resource::Code)?;
        self.buf
            .extend_filled(0, CODE_PADDING + code.len().div_ceil(8))
            .map_err(|_| Resource::Code)?;
        let loc = CodeLoc {
            off: off as u32,
            len: code.len() as u32,
        };
        let bitmap = self
            .buf
            .as_mut_slice()
            .get_mut(loc.bitmap_off()..)
            .ok_or(Resource::Code)?;
        mark_jumpdests(code, bitmap);
        Ok(loc)
    }

    /// The code bytes at `loc` (without padding).
    #[inline]
    pub fn code(&self, loc: CodeLoc) -> &[u8] {
        let s = loc.off as usize;
        self.buf
            .as_slice()
            .get(s..s + loc.len as usize)
            .unwrap_or(&[])
    }

    /// The code bytes at `loc` followed by the padding.
    #[inline]
    pub fn padded(&self, loc: CodeLoc) -> &[u8] {
        let s = loc.off as usize;
        self.buf
            .as_slice()
            .get(s..s + loc.len as usize + CODE_PADDING)
            .unwrap_or(&[])
    }

    /// The jump-destination bitmap of `loc`: bit `d % 8` of byte `d / 8` is set
    /// when `d` is a JUMPDEST outside push data.
    #[inline]
    pub fn jumpdests(&self, loc: CodeLoc) -> &[u8] {
        let s = loc.bitmap_off();
        self.buf
            .as_slice()
            .get(s..s + (loc.len as usize).div_ceil(8))
            .unwrap_or(&[])
    }

    /// Whether `dest` is a valid jump destination of `loc`.
    #[inline]
    pub fn is_jumpdest(&self, loc: CodeLoc, dest: usize) -> bool {
        if dest >= loc.len as usize {
            return false;
        }
        self.buf
            .as_slice()
            .get(loc.bitmap_off() + dest / 8)
            .is_some_and(|b| b & (1 << (dest % 8)) != 0)
    }

    /// Bytes used.
    pub fn used(&self) -> usize {
        self.buf.len()
    }
}

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
        if self.slot_index.enabled() {
            if !self.slot_index.has_room(i) {
                return Err(Error::Capacity(Resource::Slots));
            }
            if !self.slot_index.insert(slot_hash(account, key), i) {
                let slots = self.slots.as_slice().iter();
                let h = slots.map(|s| slot_hash(s.account, &s.key));
                self.slot_index
                    .rebuild(h.chain(core::iter::once(slot_hash(account, key))));
            }
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
                if self.transient_index.enabled() {
                    if !self.transient_index.has_room(i) {
                        return Err(Error::Capacity(Resource::TransientSlots));
                    }
                    if !self.transient_index.insert(slot_hash(account, key), i) {
                        let t = self.transient.as_slice().iter();
                        let h = t.map(|s| slot_hash(s.account, &s.key));
                        self.transient_index
                            .rebuild(h.chain(core::iter::once(slot_hash(account, key))));
                    }
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

    #[test]
    fn jumpdest_analysis_matches_bytewise_scan() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for case in 0..2000usize {
            let len = case % 131;
            let code: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    // Mostly ordinary opcodes, some JUMPDESTs and PUSHes.
                    match x % 8 {
                        0 => 0x5b,
                        1 => 0x60 + (x >> 8) as u8 % 32,
                        _ => (x >> 16) as u8,
                    }
                })
                .collect();
            let mut fast = vec![0u8; len.div_ceil(8)];
            mark_jumpdests(&code, &mut fast);
            let mut slow = vec![0u8; len.div_ceil(8)];
            let mut i = 0;
            while i < len {
                if code[i] == 0x5b {
                    slow[i / 8] |= 1 << (i % 8);
                }
                i += 1 + crate::opcode::OpInfo::immediate_len(code[i]);
            }
            assert_eq!(fast, slow, "{code:02x?}");
        }
        for b in 0..=255u8 {
            for k in 0..8 {
                let w = u64::from(b) << (8 * k);
                let bit = |m: u64| m & (0x80 << (8 * k)) != 0;
                assert_eq!(bit(at_least(w, 0x5b * ONES)), (0x5b..=0x7f).contains(&b));
                assert_eq!(bit(at_least(w, 0x60 * ONES)), (0x60..=0x7f).contains(&b));
                let z = zero_bytes(w ^ (0x5b * ONES));
                assert_eq!(gather(z), u8::from(b == 0x5b) << k);
                assert_eq!(gather(HIGH), 0xff);
            }
        }
    }

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

    #[test]
    fn jumpdest_analysis_skips_push_data() {
        let mut buf = [0u8; 128];
        let mut arena = CodeArena::new(&mut buf);
        // PUSH1 0x5b, JUMPDEST
        let loc = arena.push(&[0x60, 0x5b, 0x5b]).unwrap();
        assert!(!arena.is_jumpdest(loc, 1));
        assert!(arena.is_jumpdest(loc, 2));
        assert!(!arena.is_jumpdest(loc, 3));
        assert_eq!(arena.padded(loc).len(), 3 + CODE_PADDING);
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
