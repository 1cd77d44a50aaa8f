//! The interpreter: instruction loop, CALL/CREATE frames on an explicit stack, and transactions.

use crate::buf::SliceVec;
use crate::env::{BlockEnv, TxEnv};
use crate::error::{Error, InvalidTx, Resource};
use crate::frame::Frame;
use crate::gas;
use crate::journal::{
    CachedAccount, CachedSlot, CodeArena, Journal, JournalEntry, Log, TransientSlot, CODE_LOADED,
    SELFDESTRUCTED, TOUCHED,
};
use crate::limits;
use crate::precompile::{self, PrecompileError};
use crate::result::{ExecStatus, Halt, Outcome};
use crate::spec::{BlobParams, Spec};
use crate::state::{u256_is_zero, Address, State, B256, KECCAK_EMPTY, U256};
use crate::tracer::{hooks_on, NoTracer, Tracer};

pub mod authorization;
#[cfg(test)]
mod fork_tests;
mod history;
mod interpreter;

pub use history::{HISTORY_SERVE_WINDOW, HISTORY_STORAGE_ADDRESS, SYSTEM_ADDRESS};

/// The caller-provided buffers of an [`Evm`]; size them with [`crate::Limits`].
#[derive(Debug)]
pub struct Buffers<'b> {
    /// EVM memory of all live frames.
    pub memory: &'b mut [u8],
    /// Operand stacks of all live frames.
    pub stack: &'b mut [U256],
    /// Code, initcode and jump-destination bitmaps.
    pub code: &'b mut [u8],
    /// Call frames.
    pub frames: &'b mut [Frame],
    /// Account cache.
    pub accounts: &'b mut [CachedAccount],
    /// Storage-slot cache.
    pub slots: &'b mut [CachedSlot],
    /// Hash index over `slots` (length a power of two, or empty for linear search).
    pub slot_index: &'b mut [u32],
    /// Transient storage.
    pub transient: &'b mut [TransientSlot],
    /// Hash index over `transient` (length a power of two, or empty for linear search).
    pub transient_index: &'b mut [u32],
    /// Undo journal.
    pub journal: &'b mut [JournalEntry],
    /// Logs.
    pub logs: &'b mut [Log],
    /// Log data.
    pub log_data: &'b mut [u8],
    /// Return data of the last call and the transaction output.
    pub return_data: &'b mut [u8],
    /// Not a buffer: the largest modexp operand to allocate ([`crate::Limits::modexp_operand_bytes`]).
    pub modexp_operand_bytes: usize,
    /// Not a buffer: the work budget of one transaction ([`crate::Limits::steps`]).
    pub steps: u64,
}

/// Buffers owned on the heap, sized from [`crate::Limits`].
#[cfg(any(test, feature = "alloc"))]
#[derive(Debug)]
pub struct HeapBuffers {
    memory: alloc::vec::Vec<u8>,
    stack: alloc::vec::Vec<U256>,
    code: alloc::vec::Vec<u8>,
    frames: alloc::vec::Vec<Frame>,
    accounts: alloc::vec::Vec<CachedAccount>,
    slots: alloc::vec::Vec<CachedSlot>,
    slot_index: alloc::vec::Vec<u32>,
    transient: alloc::vec::Vec<TransientSlot>,
    transient_index: alloc::vec::Vec<u32>,
    journal: alloc::vec::Vec<JournalEntry>,
    logs: alloc::vec::Vec<Log>,
    log_data: alloc::vec::Vec<u8>,
    return_data: alloc::vec::Vec<u8>,
    modexp_operand_bytes: usize,
    steps: u64,
}

#[cfg(any(test, feature = "alloc"))]
impl HeapBuffers {
    /// Allocates buffers of the given capacities.
    pub fn new(l: &crate::Limits) -> Self {
        use alloc::vec;
        Self {
            memory: vec![0; l.memory_bytes],
            stack: vec![U256::ZERO; l.stack_words],
            code: vec![0; l.code_bytes],
            frames: vec![Frame::default(); l.frames],
            accounts: vec![CachedAccount::default(); l.accounts],
            slots: vec![CachedSlot::default(); l.slots],
            slot_index: vec![0; crate::index::table_len(l.slots)],
            transient: vec![TransientSlot::default(); l.transient_slots],
            transient_index: vec![0; crate::index::table_len(l.transient_slots)],
            journal: vec![JournalEntry::default(); l.journal],
            logs: vec![Log::default(); l.logs],
            log_data: vec![0; l.log_data_bytes],
            return_data: vec![0; l.return_data_bytes],
            modexp_operand_bytes: l.modexp_operand_bytes,
            steps: l.steps,
        }
    }

    /// Lends the buffers.
    pub fn buffers(&mut self) -> Buffers<'_> {
        Buffers {
            memory: &mut self.memory,
            stack: &mut self.stack,
            code: &mut self.code,
            frames: &mut self.frames,
            accounts: &mut self.accounts,
            slots: &mut self.slots,
            slot_index: &mut self.slot_index,
            transient: &mut self.transient,
            transient_index: &mut self.transient_index,
            journal: &mut self.journal,
            logs: &mut self.logs,
            log_data: &mut self.log_data,
            return_data: &mut self.return_data,
            modexp_operand_bytes: self.modexp_operand_bytes,
            steps: self.steps,
        }
    }
}

/// Per-transaction values the instructions read.
#[derive(Debug, Clone, Copy, Default)]
struct Ctx {
    spec: Spec,
    origin: Address,
    gas_price: U256,
    block: BlockEnvLite,
    blob_base_fee: U256,
}

#[derive(Debug, Clone, Copy, Default)]
struct BlockEnvLite {
    number: u64,
    coinbase: Address,
    timestamp: u64,
    gas_limit: u64,
    base_fee: U256,
    prev_randao: B256,
    chain_id: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CallKind {
    Call,
    CallCode,
    DelegateCall,
    StaticCall,
}

/// What the instruction loop asks the frame driver to do.
#[derive(Debug, Clone, Copy)]
enum Action {
    Call {
        kind: CallKind,
        gas: u64,
        target: Address,
        /// Where the code comes from: `target`, or its delegate (EIP-7702).
        code_address: Address,
        /// The code is a delegate's: a precompile address runs as an empty account.
        delegated: bool,
        value: U256,
        in_off: usize,
        in_len: usize,
        ret_off: usize,
        ret_len: usize,
    },
    Create {
        value: U256,
        init_off: usize,
        init_len: usize,
        salt: Option<U256>,
        gas: u64,
    },
    Exit {
        status: ExecStatus,
        out_off: usize,
        out_len: usize,
    },
}

/// Input of a new frame.
#[derive(Debug, Clone, Copy)]
enum Input {
    Tx,
    Memory { off: usize, len: usize },
}

/// Result of starting a call or creation.
#[derive(Debug, Clone, Copy)]
enum Started {
    Frame,
    Done { status: ExecStatus, gas_left: u64 },
}

/// A change of one account, produced after a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountChange<'a> {
    /// The account no longer exists (self-destructed or touched while empty).
    Deleted(Address),
    /// The account exists with these fields.
    Updated {
        /// Address.
        address: Address,
        /// New nonce, balance and code hash.
        info: crate::AccountInfo,
        /// New code, when the transaction deployed it.
        code: Option<&'a [u8]>,
        /// Whether all pre-existing storage must be dropped first (the account was created).
        storage_cleared: bool,
    },
}

type R<T, E> = Result<T, Error<E>>;

/// The EVM: buffers, a state to read and a tracer.
#[derive(Debug)]
pub struct Evm<'b, S, T = NoTracer> {
    state: S,
    tracer: T,
    memory: &'b mut [u8],
    stack: &'b mut [U256],
    code: CodeArena<'b>,
    frames: SliceVec<'b, Frame>,
    journal: Journal<'b>,
    return_data: SliceVec<'b, u8>,
    ctx: Ctx,
    /// Steps per transaction ([`crate::Limits::steps`]).
    step_limit: u64,
    /// What is left of it in the running transaction, and the modexp bound.
    budget: precompile::Budget,
    /// The fork whose rules transactions follow.
    spec: Spec,
    /// The blob schedule in force (the spec's, unless set).
    blob: BlobParams,
    /// The transaction gas limit cap in force (the spec's, EIP-7825, unless set).
    tx_gas_limit_cap: Option<u64>,
}

impl<'b, S: State> Evm<'b, S, NoTracer> {
    /// An EVM reading `state` and working in `buffers`.
    pub fn new(state: S, buffers: Buffers<'b>) -> Self {
        Self::with_tracer(state, buffers, NoTracer)
    }
}

#[inline]
fn addr_to_u256(a: &Address) -> U256 {
    let mut b = [0u8; 32];
    b[12..].copy_from_slice(a);
    U256::from_be_bytes(b)
}

#[inline]
fn u256_to_addr(v: &U256) -> Address {
    let b = v.to_be_bytes::<32>();
    let mut a = [0u8; 20];
    a.copy_from_slice(&b[12..]);
    a
}

#[inline]
fn as_u64_sat(v: &U256) -> u64 {
    let l = v.as_limbs();
    if l[1] != 0 || l[2] != 0 || l[3] != 0 {
        u64::MAX
    } else {
        l[0]
    }
}

pub use crate::keccak::keccak256;

/// Address of a contract created by `sender` with `nonce` (CREATE).
pub fn create_address(sender: &Address, nonce: u64) -> Address {
    // rlp([sender, nonce])
    let mut buf = [0u8; 1 + 21 + 9];
    let nb = nonce.to_be_bytes();
    let skip = nb.iter().take_while(|b| **b == 0).count();
    let nonce_bytes = &nb[skip..];
    let nonce_enc_len = if nonce == 0 || (nonce_bytes.len() == 1 && nonce_bytes[0] < 0x80) {
        1
    } else {
        1 + nonce_bytes.len()
    };
    let payload = 21 + nonce_enc_len;
    buf[0] = 0xc0 + payload as u8;
    buf[1] = 0x94;
    buf[2..22].copy_from_slice(sender);
    if nonce == 0 {
        buf[22] = 0x80;
    } else if nonce_enc_len == 1 {
        buf[22] = nonce_bytes[0];
    } else {
        buf[22] = 0x80 + nonce_bytes.len() as u8;
        buf[23..23 + nonce_bytes.len()].copy_from_slice(nonce_bytes);
    }
    let h = keccak256(&buf[..1 + payload]);
    let mut a = [0u8; 20];
    a.copy_from_slice(&h[12..]);
    a
}

/// Address of a contract created by `sender` with `salt` and initcode hash (CREATE2).
pub fn create2_address(sender: &Address, salt: &B256, init_hash: &B256) -> Address {
    let mut buf = [0u8; 85];
    buf[0] = 0xff;
    buf[1..21].copy_from_slice(sender);
    buf[21..53].copy_from_slice(salt);
    buf[53..85].copy_from_slice(init_hash);
    let h = keccak256(&buf);
    let mut a = [0u8; 20];
    a.copy_from_slice(&h[12..]);
    a
}

const SIGN: U256 = U256::from_limbs([0, 0, 0, 1 << 63]);

#[inline]
fn is_neg(v: &U256) -> bool {
    v.bit(255)
}

#[inline]
fn abs(v: U256) -> U256 {
    if is_neg(&v) {
        v.wrapping_neg()
    } else {
        v
    }
}

/// Code bytes of a cached account, from the arena when loaded, else from the state.
fn ext_code<'a, S: State>(
    state: &'a S,
    arena: &'a CodeArena<'_>,
    a: &CachedAccount,
) -> R<&'a [u8], S::Error> {
    if a.flags & CODE_LOADED != 0 {
        Ok(arena.code(a.code))
    } else if a.info.code_hash == KECCAK_EMPTY {
        Ok(&[])
    } else {
        state.code(&a.info.code_hash).map_err(Error::State)
    }
}

/// Copies `src[off..off+len]` (zero-padded past its end) into `dst`.
#[inline]
fn copy_padded(dst: &mut [u8], src: &[u8], off: u64) {
    let off = usize::try_from(off).unwrap_or(usize::MAX);
    let avail = src.get(off..).unwrap_or(&[]);
    let n = avail.len().min(dst.len());
    dst[..n].copy_from_slice(&avail[..n]);
    dst[n..].fill(0);
}

impl<'b, S: State, T: Tracer> Evm<'b, S, T> {
    /// An EVM with a tracer called before every instruction.
    pub fn with_tracer(state: S, b: Buffers<'b>, tracer: T) -> Self {
        // Frames record arena offsets in 32 bits: larger arenas are used up to 4 GiB.
        let memory_len = b.memory.len().min(u32::MAX as usize);
        let stack_len = b.stack.len().min(u32::MAX as usize);
        let memory = match b.memory.split_at_mut_checked(memory_len) {
            Some((m, _)) => m,
            None => &mut [],
        };
        let stack = match b.stack.split_at_mut_checked(stack_len) {
            Some((s, _)) => s,
            None => &mut [],
        };
        Self {
            state,
            tracer,
            memory,
            stack,
            code: CodeArena::new(b.code),
            frames: SliceVec::new(b.frames),
            journal: Journal::new(
                b.accounts,
                b.slots,
                b.slot_index,
                b.transient,
                b.transient_index,
                b.journal,
                b.logs,
                b.log_data,
            ),
            return_data: SliceVec::new(b.return_data),
            ctx: Ctx::default(),
            step_limit: b.steps,
            budget: precompile::Budget {
                steps: b.steps,
                modexp_operand_bytes: b.modexp_operand_bytes,
            },
            spec: Spec::default(),
            blob: Spec::default().blob_params(),
            tx_gas_limit_cap: Spec::default().tx_gas_limit_cap(),
        }
    }

    /// Sets the fork whose rules the next transactions follow (default
    /// [`Spec::Osaka`]), and the blob schedule and transaction gas limit cap
    /// to that fork's.
    pub fn set_spec(&mut self, spec: Spec) {
        self.spec = spec;
        self.blob = spec.blob_params();
        self.tx_gas_limit_cap = spec.tx_gas_limit_cap();
    }

    /// Overrides the fork's transaction gas limit cap (EIP-7825: 2^24 from
    /// Osaka on, none before); `None` lifts it (as revm's
    /// `CfgEnv::tx_gas_limit_cap`, e.g. for benchmarks needing more gas).
    /// [`Self::set_spec`] resets it to the fork's.
    pub fn set_tx_gas_limit_cap(&mut self, cap: Option<u64>) {
        self.tx_gas_limit_cap = cap;
    }

    /// The transaction gas limit cap in force.
    pub fn tx_gas_limit_cap(&self) -> Option<u64> {
        self.tx_gas_limit_cap
    }

    /// The fork in force.
    pub fn spec(&self) -> Spec {
        self.spec
    }

    /// Overrides the blob schedule of the fork (a chain's `blobSchedule`, EIP-7840).
    pub fn set_blob_params(&mut self, blob: BlobParams) {
        self.blob = blob;
    }

    /// The blob schedule in force.
    pub fn blob_params(&self) -> BlobParams {
        self.blob
    }

    /// The state being read.
    pub fn state(&self) -> &S {
        &self.state
    }

    /// The tracer.
    pub fn tracer_mut(&mut self) -> &mut T {
        &mut self.tracer
    }

    /// Output of the last transaction: RETURN or REVERT data, or the deployed
    /// code of a successful creation.
    pub fn output(&self) -> &[u8] {
        self.return_data.as_slice()
    }

    /// Logs of the last transaction (empty unless it succeeded).
    pub fn logs(&self) -> impl Iterator<Item = (&Address, &[B256], &[u8])> + '_ {
        let data = self.journal.log_data.as_slice();
        self.journal.logs.as_slice().iter().map(move |l| {
            let topics = l.topics.get(..l.topic_count as usize).unwrap_or(&[]);
            let s = l.data_off as usize;
            let d = data.get(s..s + l.data_len as usize).unwrap_or(&[]);
            (&l.address, topics, d)
        })
    }

    /// Account changes of the last transaction.
    pub fn changes(&self) -> impl Iterator<Item = AccountChange<'_>> + '_ {
        self.journal.accounts.as_slice().iter().filter_map(|a| {
            if a.flags & SELFDESTRUCTED != 0 || (a.flags & TOUCHED != 0 && a.info.is_empty()) {
                Some(AccountChange::Deleted(a.address))
            } else if a.flags & TOUCHED != 0 {
                let code = if a.flags & crate::journal::NEW_CODE != 0 {
                    Some(self.code.code(a.code))
                } else {
                    None
                };
                Some(AccountChange::Updated {
                    address: a.address,
                    info: a.info,
                    code,
                    storage_cleared: a.flags & crate::journal::STORAGE_CLEARED != 0,
                })
            } else {
                None
            }
        })
    }

    /// Storage writes of the last transaction: `(address, slot, value)` for every
    /// slot whose value differs from its pre-state value, on accounts not deleted.
    pub fn storage_changes(&self) -> impl Iterator<Item = (Address, U256, U256)> + '_ {
        let accounts = self.journal.accounts.as_slice();
        self.journal.slots.as_slice().iter().filter_map(move |s| {
            let a = accounts.get(s.account as usize)?;
            let deleted =
                a.flags & SELFDESTRUCTED != 0 || (a.flags & TOUCHED != 0 && a.info.is_empty());
            let cleared = a.flags & crate::journal::STORAGE_CLEARED != 0;
            // Unchanged, unless the account's storage was cleared under a
            // nonzero value (then the value must be written again).
            let unchanged = s.current == s.original && (!cleared || u256_is_zero(&s.current));
            if deleted || unchanged {
                None
            } else {
                Some((a.address, s.key, s.current))
            }
        })
    }

    /// Bytes of the code arena in use after the last transaction.
    pub fn code_arena_used(&self) -> usize {
        self.code.used()
    }

    /// Bytes of the code arena holding code kept for later transactions.
    pub fn code_arena_kept(&self) -> usize {
        self.code.kept()
    }

    /// Checks `tx` against the fork's rules and the sender's account; returns
    /// (intrinsic gas, calldata floor, gas price, blob fee).
    fn validate(
        &mut self,
        block: &BlockEnv,
        tx: &TxEnv<'_>,
    ) -> R<(u64, u64, U256, U256), S::Error> {
        let spec = self.spec;
        let is_create = tx.to.is_none();
        if tx.authorization_list.is_some() && !spec.is_prague() {
            return Err(InvalidTx::TypeNotSupported.into());
        }
        if is_create && tx.data.len() > limits::MAX_INITCODE_SIZE {
            return Err(InvalidTx::InitcodeTooLarge.into());
        }
        let keys: usize = tx.access_list.iter().map(|i| i.storage_keys.len()).sum();
        let auths = tx.authorization_list.map_or(0, |l| l.len()) as u64;
        let intrinsic =
            gas::intrinsic_gas(tx.data, is_create, tx.access_list.len() as u64, keys as u64)
                .saturating_add(auths.saturating_mul(gas::PER_EMPTY_ACCOUNT_COST));
        let floor = if spec.is_prague() {
            gas::calldata_floor(tx.data)
        } else {
            0
        };
        if tx.gas_limit < intrinsic && intrinsic >= floor {
            return Err(InvalidTx::IntrinsicGasTooLow {
                got: tx.gas_limit,
                expected: intrinsic,
            }
            .into());
        }
        if tx.gas_limit < floor {
            return Err(InvalidTx::FloorGasTooLow {
                got: tx.gas_limit,
                expected: floor,
            }
            .into());
        }
        if self.tx_gas_limit_cap.is_some_and(|cap| tx.gas_limit > cap) {
            return Err(InvalidTx::GasLimitAboveCap.into());
        }
        if tx.gas_limit > block.gas_limit {
            return Err(InvalidTx::GasLimitAboveBlock.into());
        }
        let max_fee = tx.max_fee_per_gas;
        let u128_max = U256::from(u128::MAX);
        if max_fee > u128_max {
            return Err(InvalidTx::FeeOverflow.into());
        }
        let gas_price = match tx.max_priority_fee_per_gas {
            Some(prio) => {
                if prio > u128_max {
                    return Err(InvalidTx::FeeOverflow.into());
                }
                if prio > max_fee {
                    return Err(InvalidTx::PriorityFeeAboveFeeCap.into());
                }
                if max_fee < block.base_fee {
                    return Err(InvalidTx::FeeCapBelowBaseFee.into());
                }
                (block.base_fee + prio).min(max_fee)
            }
            None => {
                if max_fee < block.base_fee {
                    return Err(InvalidTx::FeeCapBelowBaseFee.into());
                }
                max_fee
            }
        };
        let blob_base_fee = U256::from(gas::blob_base_fee_with(
            block.excess_blob_gas,
            self.blob.update_fraction,
        ));
        let mut blob_fee_max = U256::ZERO;
        let mut blob_fee = U256::ZERO;
        if let Some(max_blob_fee) = tx.max_fee_per_blob_gas {
            if is_create {
                return Err(InvalidTx::BlobCreate.into());
            }
            let max_blobs = spec.max_blobs_per_tx(self.blob.max);
            if tx.blob_hashes.is_empty() || tx.blob_hashes.len() as u64 > max_blobs {
                return Err(InvalidTx::BlobCount.into());
            }
            if tx.blob_hashes.iter().any(|h| h[0] != 0x01) {
                return Err(InvalidTx::BlobVersion.into());
            }
            if max_blob_fee < blob_base_fee {
                return Err(InvalidTx::BlobFeeCapTooLow.into());
            }
            let blob_gas = U256::from(gas::GAS_PER_BLOB * tx.blob_hashes.len() as u64);
            blob_fee_max = blob_gas.saturating_mul(max_blob_fee);
            blob_fee = blob_gas * blob_base_fee;
        } else if !tx.blob_hashes.is_empty() {
            return Err(InvalidTx::TypeFields.into());
        }
        if let Some(list) = tx.authorization_list {
            if is_create {
                return Err(InvalidTx::SetCodeCreate.into());
            }
            if list.is_empty() {
                return Err(InvalidTx::EmptyAuthorizationList.into());
            }
        }
        let sender = self.journal.load(&self.state, &tx.caller)?;
        let acct = self.journal.account(sender).info;
        if acct.code_hash != KECCAK_EMPTY && self.delegate_of(sender)?.is_none() {
            return Err(InvalidTx::SenderHasCode.into());
        }
        if acct.nonce == u64::MAX {
            return Err(InvalidTx::NonceOverflow.into());
        }
        if acct.nonce != tx.nonce {
            return Err(InvalidTx::NonceMismatch {
                got: tx.nonce,
                expected: acct.nonce,
            }
            .into());
        }
        let max_cost = U256::from(tx.gas_limit)
            .checked_mul(max_fee)
            .and_then(|c| c.checked_add(tx.value))
            .and_then(|c| c.checked_add(blob_fee_max))
            .ok_or(InvalidTx::InsufficientFunds)?;
        if acct.balance < max_cost {
            return Err(InvalidTx::InsufficientFunds.into());
        }
        Ok((intrinsic, floor, gas_price, blob_fee))
    }

    /// Executes one transaction: validates it, runs it, pays fees and refunds.
    ///
    /// `Err(Error::InvalidTx)` is a rejection (nothing changed); `Ok` carries
    /// the outcome of a valid transaction, whose changes are then available
    /// from [`Evm::changes`], [`Evm::storage_changes`] and [`Evm::logs`].
    ///
    /// Code read from the state is analysed once and kept in the code arena
    /// for later transactions of this `Evm`, looked up by code hash (not with
    /// an enabled [`Tracer`], whose runs stay exactly as on a fresh `Evm`).
    /// When a transaction runs out of code arena with caching on, the arena
    /// is emptied and the transaction is run again without caching, as a
    /// fresh `Evm` would run it.
    pub fn transact(&mut self, block: &BlockEnv, tx: &TxEnv<'_>) -> R<Outcome, S::Error> {
        let caching = !hooks_on::<T>();
        self.code.start_tx(caching);
        let mut r = self.transact_inner(block, tx);
        if caching && matches!(r, Err(Error::Capacity(Resource::Code))) {
            self.journal.clear_indexes();
            self.code.start_tx(false);
            r = self.transact_inner(block, tx);
        }
        // Leave the slot index tables clean for the next `Evm` over these buffers.
        self.journal.clear_indexes();
        r
    }

    /// The context of a transaction from `origin` at `gas_price` in `block`.
    fn tx_ctx(&self, block: &BlockEnv, origin: Address, gas_price: U256) -> Ctx {
        Ctx {
            spec: self.spec,
            origin,
            gas_price,
            block: BlockEnvLite {
                number: block.number,
                coinbase: block.coinbase,
                timestamp: block.timestamp,
                gas_limit: block.gas_limit,
                base_fee: block.base_fee,
                prev_randao: block.prev_randao,
                chain_id: block.chain_id,
            },
            blob_base_fee: U256::from(gas::blob_base_fee_with(
                block.excess_blob_gas,
                self.blob.update_fraction,
            )),
        }
    }

    fn transact_inner(&mut self, block: &BlockEnv, tx: &TxEnv<'_>) -> R<Outcome, S::Error> {
        self.budget.steps = self.step_limit;
        self.journal.clear();
        self.frames.clear();
        self.return_data.clear();
        self.journal.spec = self.spec;
        // `delegate_of` in `validate` reads the spec from the context.
        self.ctx.spec = self.spec;
        let (intrinsic, floor, gas_price, blob_fee) = self.validate(block, tx)?;
        self.ctx = self.tx_ctx(block, tx.caller, gas_price);
        // Buy gas, bump the nonce.
        let sender = self.journal.load(&self.state, &tx.caller)?;
        let fee = U256::from(tx.gas_limit) * gas_price + blob_fee;
        let bal = self.journal.account(sender).info.balance;
        self.journal.set_balance(sender, bal - fee)?;
        let nonce = self.journal.account(sender).info.nonce;
        self.journal.set_nonce(sender, nonce + 1)?;
        // Warm set: sender, recipient, coinbase, access list (precompiles are always warm).
        self.journal.access(&self.state, &tx.caller)?;
        if let Some(to) = &tx.to {
            self.journal.access(&self.state, to)?;
        }
        self.journal.access(&self.state, &block.coinbase)?;
        for item in tx.access_list {
            let (i, _) = self.journal.access(&self.state, &item.address)?;
            for k in item.storage_keys {
                self.journal
                    .warm_slot_unjournaled(&self.state, i, &U256::from_be_bytes(*k))?;
            }
        }
        // EIP-7702: the authorizations, after the sender's nonce is bumped.
        let auth_refund = match tx.authorization_list {
            Some(list) => self.apply_authorizations(block.chain_id, list)?,
            None => 0,
        };
        // Pre-execution changes are final; execution starts from here.
        let gas = tx.gas_limit - intrinsic;
        let started = match tx.to {
            Some(to) => {
                // A delegated recipient runs its delegate's code, the delegate warm for free.
                let to_i = self.journal.load(&self.state, &to)?;
                let (code_address, delegated) = match self.delegate_of(to_i)? {
                    Some(d) => {
                        self.journal.access(&self.state, &d)?;
                        (d, true)
                    }
                    None => (to, false),
                };
                self.start_call(
                    CallKind::Call,
                    gas,
                    tx.caller,
                    to,
                    (code_address, delegated),
                    tx.value,
                    false,
                    (Input::Tx, tx.data),
                    0,
                    0,
                    0,
                )?
            }
            None => {
                self.start_create(tx.caller, tx.value, Input::Tx, tx.data, None, gas, 0, nonce)?
            }
        };
        let (status, gas_left, refund, created) = match started {
            Started::Done { status, gas_left } => (status, gas_left, 0, None),
            Started::Frame => self.execute(tx)?,
        };
        // Refund (execution's when it succeeded, the authorizations' always),
        // then the calldata floor (EIP-7623, zero before Prague), and fees.
        let mut gas_used = tx.gas_limit - gas_left;
        let exec_refund = if status.is_success() {
            refund.max(0) as u64
        } else {
            0
        };
        let refund = exec_refund
            .saturating_add(auth_refund)
            .min(gas_used / gas::MAX_REFUND_QUOTIENT);
        gas_used -= refund;
        gas_used = gas_used.max(floor);
        let sender = self.journal.load(&self.state, &tx.caller)?;
        let bal = self.journal.account(sender).info.balance;
        self.journal.set_balance(
            sender,
            bal.saturating_add(U256::from(tx.gas_limit - gas_used) * gas_price),
        )?;
        let coinbase = self.journal.load(&self.state, &block.coinbase)?;
        let tip = gas_price.saturating_sub(block.base_fee);
        let bal = self.journal.account(coinbase).info.balance;
        self.journal
            .set_balance(coinbase, bal.saturating_add(U256::from(gas_used) * tip))?;
        if !status.is_success() {
            self.journal.logs.clear();
            self.journal.log_data.clear();
        }
        Ok(Outcome {
            status,
            gas_used,
            gas_refunded: refund,
            created: if status.is_success() { created } else { None },
        })
    }

    /// Runs frames until the outermost one ends.
    fn execute(&mut self, tx: &TxEnv<'_>) -> R<(ExecStatus, u64, i64, Option<Address>), S::Error> {
        loop {
            match self.run(tx)? {
                Action::Call {
                    kind,
                    gas,
                    target,
                    code_address,
                    delegated,
                    value,
                    in_off,
                    in_len,
                    ret_off,
                    ret_len,
                } => {
                    let Some(parent) = self.frames.as_slice().last().copied() else {
                        return Err(Error::Capacity(Resource::Frames));
                    };
                    let (caller, address, val, is_static) = match kind {
                        CallKind::Call => (parent.address, target, value, parent.is_static),
                        CallKind::CallCode => {
                            (parent.address, parent.address, value, parent.is_static)
                        }
                        CallKind::DelegateCall => (
                            parent.caller,
                            parent.address,
                            parent.value,
                            parent.is_static,
                        ),
                        CallKind::StaticCall => (parent.address, target, U256::ZERO, true),
                    };
                    // CALLCODE checks the caller can afford the value it "sends" to itself.
                    if kind == CallKind::CallCode && !u256_is_zero(&value) {
                        let bal = self.journal.account(parent.account).info.balance;
                        if bal < value {
                            self.return_data.clear();
                            self.deliver(ExecStatus::Revert, gas, 0, U256::ZERO, None)?;
                            continue;
                        }
                    }
                    let started = self.start_call(
                        kind,
                        gas,
                        caller,
                        address,
                        (code_address, delegated),
                        val,
                        is_static,
                        (
                            Input::Memory {
                                off: in_off,
                                len: in_len,
                            },
                            &[],
                        ),
                        ret_off,
                        ret_len,
                        parent.depth as usize + 1,
                    );
                    match started? {
                        Started::Frame => {}
                        Started::Done { status, gas_left } => {
                            self.deliver_call_output(ret_off, ret_len);
                            self.deliver(status, gas_left, 0, U256::ZERO, None)?;
                        }
                    }
                }
                Action::Create {
                    value,
                    init_off,
                    init_len,
                    salt,
                    gas,
                } => {
                    let Some(parent) = self.frames.as_slice().last().copied() else {
                        return Err(Error::Capacity(Resource::Frames));
                    };
                    let nonce = self.journal.account(parent.account).info.nonce;
                    let started = self.start_create(
                        parent.address,
                        value,
                        Input::Memory {
                            off: init_off,
                            len: init_len,
                        },
                        &[],
                        salt,
                        gas,
                        parent.depth as usize + 1,
                        nonce,
                    )?;
                    if let Started::Done { status, gas_left } = started {
                        self.deliver(status, gas_left, 0, U256::ZERO, None)?;
                    }
                }
                Action::Exit {
                    status,
                    out_off,
                    out_len,
                } => {
                    let Some(child) = self.frames.pop() else {
                        return Err(Error::Capacity(Resource::Frames));
                    };
                    // Copying the output (to return data, code or the caller's memory).
                    self.take_steps(gas::words(out_len as u64))?;
                    let mut status = status;
                    let mut gas_left = if matches!(status, ExecStatus::Halt(_)) {
                        0
                    } else {
                        child.gas
                    };
                    let out = self
                        .memory
                        .get(out_off..out_off.saturating_add(out_len))
                        .unwrap_or(&[]);
                    let mut created = None;
                    if child.is_create && status == ExecStatus::Success {
                        let code_cost = gas::CODE_DEPOSIT * out.len() as u64;
                        if out.len() > limits::MAX_CODE_SIZE {
                            status = ExecStatus::Halt(Halt::CodeSizeLimit);
                        } else if out.first() == Some(&0xef) {
                            status = ExecStatus::Halt(Halt::InvalidCodePrefix);
                        } else if code_cost > gas_left {
                            status = ExecStatus::Halt(Halt::OutOfGas);
                        } else {
                            gas_left -= code_cost;
                            let hash = keccak256(out);
                            let loc = self.code.push(out).map_err(Error::Capacity)?;
                            self.journal.set_code(child.account, hash, loc)?;
                            created = Some(child.address);
                        }
                        if matches!(status, ExecStatus::Halt(_)) {
                            gas_left = 0;
                        }
                        self.return_data.clear();
                        if created.is_some() && self.frames.is_empty() {
                            // The transaction's output is the deployed code (RETURNDATA
                            // after a nested CREATE stays empty).
                            self.return_data
                                .extend_from_slice(out)
                                .map_err(|_| Error::Capacity(Resource::ReturnData))?;
                        }
                    } else if matches!(status, ExecStatus::Halt(_)) {
                        self.return_data.clear();
                    } else {
                        self.return_data.clear();
                        self.return_data
                            .extend_from_slice(out)
                            .map_err(|_| Error::Capacity(Resource::ReturnData))?;
                    }
                    if child.is_create && status == ExecStatus::Revert {
                        // Revert data of a creation is returned to the caller.
                    }
                    if !status.is_success() {
                        self.journal.revert(child.checkpoint);
                    }
                    let refund = if status.is_success() { child.refund } else { 0 };
                    if self.frames.is_empty() {
                        return Ok((status, gas_left, refund, created));
                    }
                    if !child.is_create {
                        self.deliver_call_output(child.ret_off as usize, child.ret_len as usize);
                    }
                    let pushed = match created {
                        Some(a) => addr_to_u256(&a),
                        None => U256::from(status.is_success() as u8),
                    };
                    self.deliver(status, gas_left, refund, pushed, Some(()))?;
                }
            }
        }
    }

    /// Copies return data into the caller's memory at `ret_off` (relative).
    fn deliver_call_output(&mut self, ret_off: usize, ret_len: usize) {
        let Some(parent) = self.frames.as_slice().last() else {
            return;
        };
        let n = ret_len.min(self.return_data.len());
        let dst = (parent.mem_base as usize).saturating_add(ret_off);
        if let (Some(d), Some(s)) = (
            self.memory.get_mut(dst..dst.saturating_add(n)),
            self.return_data.as_slice().get(..n),
        ) {
            d.copy_from_slice(s);
        }
    }

    /// Hands a finished call's result to the caller frame: gas, refund and the stack word.
    fn deliver(
        &mut self,
        status: ExecStatus,
        gas_left: u64,
        refund: i64,
        pushed: U256,
        explicit: Option<()>,
    ) -> R<(), S::Error> {
        let Some(parent) = self.frames.last_mut() else {
            return Ok(());
        };
        parent.gas += gas_left;
        parent.refund += refund;
        let v = if explicit.is_some() {
            pushed
        } else {
            U256::from(status.is_success() as u8)
        };
        let idx = parent.stack_base as usize + parent.sp as usize;
        let slot = self
            .stack
            .get_mut(idx)
            .ok_or(Error::Capacity(Resource::Stack))?;
        *slot = v;
        parent.sp += 1;
        Ok(())
    }

    /// Takes `n` steps of the transaction's work budget ([`crate::Limits::steps`]).
    #[inline]
    fn take_steps(&mut self, n: u64) -> R<(), S::Error> {
        self.budget.steps = self.budget.steps.checked_sub(n).ok_or(Error::StepBudget)?;
        Ok(())
    }

    fn push_frame(&mut self, mut f: Frame) -> R<(), S::Error> {
        let (stack_base, mem_base) = match self.frames.as_slice().last() {
            Some(p) => (p.stack_base + p.sp, p.mem_base + p.mem_len),
            None => (0, 0),
        };
        f.stack_base = stack_base;
        f.mem_base = mem_base;
        self.frames
            .push(f)
            .map_err(|_| Error::Capacity(Resource::Frames))
    }

    #[allow(clippy::too_many_arguments)]
    fn start_call(
        &mut self,
        kind: CallKind,
        gas: u64,
        caller: Address,
        address: Address,
        (code_address, delegated): (Address, bool),
        value: U256,
        is_static: bool,
        (input, tx_data): (Input, &[u8]),
        ret_off: usize,
        ret_len: usize,
        depth: usize,
    ) -> R<Started, S::Error> {
        self.take_steps(1)?;
        self.return_data.clear();
        let fail = Started::Done {
            status: ExecStatus::Revert,
            gas_left: gas,
        };
        if depth > limits::CALL_DEPTH_LIMIT {
            return Ok(fail);
        }
        let caller_i = self.journal.load(&self.state, &caller)?;
        let target_i = self.journal.load(&self.state, &address)?;
        let cp = self.journal.checkpoint();
        if kind == CallKind::Call {
            if !u256_is_zero(&value) {
                if !self.journal.transfer(caller_i, target_i, value)? {
                    return Ok(fail);
                }
            } else {
                self.journal.set_flags(target_i, TOUCHED)?;
            }
        } else if kind == CallKind::StaticCall {
            self.journal.set_flags(target_i, TOUCHED)?;
        }
        let precompile = if delegated {
            None
        } else {
            precompile::precompile_id_in(self.ctx.spec, &code_address)
        };
        if let Some(id) = precompile {
            let inp: &[u8] = match input {
                Input::Tx => tx_data,
                Input::Memory { off, len } => {
                    self.memory.get(off..off.saturating_add(len)).unwrap_or(&[])
                }
            };
            let mut out = SliceVec::new(&mut []);
            core::mem::swap(&mut out, &mut self.return_data);
            let r = precompile::run_spec(self.ctx.spec, id, inp, gas, &mut out, &mut self.budget);
            core::mem::swap(&mut out, &mut self.return_data);
            return match r {
                Ok(used) => Ok(Started::Done {
                    status: ExecStatus::Success,
                    gas_left: gas - used,
                }),
                // Device limits end the transaction: its result is unknown here.
                Err(PrecompileError::Capacity) => Err(Error::Capacity(Resource::ReturnData)),
                Err(PrecompileError::Unsupported) => Err(Error::PrecompileUnavailable(
                    u8::try_from(id).unwrap_or(u8::MAX),
                )),
                Err(PrecompileError::OperandTooLarge) => {
                    Err(Error::Capacity(Resource::ModexpOperand))
                }
                Err(PrecompileError::StepBudget) => Err(Error::StepBudget),
                Err(e) => {
                    self.return_data.clear();
                    self.journal.revert(cp);
                    let h = match e {
                        PrecompileError::OutOfGas => Halt::OutOfGas,
                        _ => Halt::PrecompileFailure,
                    };
                    Ok(Started::Done {
                        status: ExecStatus::Halt(h),
                        gas_left: 0,
                    })
                }
            };
        }
        let code_i = self.journal.load(&self.state, &code_address)?;
        let code = self.journal.code(&self.state, &mut self.code, code_i)?;
        // Loading (hashing, analysing) the code: one step per word.
        self.take_steps(gas::words(u64::from(code.len)))?;
        if code.len == 0 {
            return Ok(Started::Done {
                status: ExecStatus::Success,
                gas_left: gas,
            });
        }
        let (input_from_tx, input_off, input_len) = match input {
            Input::Tx => (true, 0, 0),
            Input::Memory { off, len } => (false, off as u32, len as u32),
        };
        self.push_frame(Frame {
            code,
            pc: 0,
            gas,
            refund: 0,
            stack_base: 0,
            sp: 0,
            mem_base: 0,
            mem_len: 0,
            input_from_tx,
            input_off,
            input_len,
            caller,
            address,
            account: target_i,
            value,
            is_static,
            is_create: false,
            depth: depth as u16,
            ret_off: ret_off as u32,
            ret_len: ret_len as u32,
            checkpoint: cp,
        })?;
        Ok(Started::Frame)
    }

    #[allow(clippy::too_many_arguments)]
    fn start_create(
        &mut self,
        caller: Address,
        value: U256,
        input: Input,
        tx_data: &[u8],
        salt: Option<U256>,
        gas: u64,
        depth: usize,
        nonce: u64,
    ) -> R<Started, S::Error> {
        self.take_steps(1)?;
        self.return_data.clear();
        let fail = Started::Done {
            status: ExecStatus::Revert,
            gas_left: gas,
        };
        if depth > limits::CALL_DEPTH_LIMIT {
            return Ok(fail);
        }
        let caller_i = self.journal.load(&self.state, &caller)?;
        if self.journal.account(caller_i).info.balance < value {
            return Ok(fail);
        }
        let is_top = depth == 0;
        if !is_top {
            if nonce == u64::MAX {
                return Ok(fail);
            }
            self.journal.set_nonce(caller_i, nonce + 1)?;
        }
        let init_len = match input {
            Input::Tx => tx_data.len(),
            Input::Memory { len, .. } => len,
        };
        // Hashing, copying and analysing the initcode: one step per word.
        self.take_steps(gas::words(init_len as u64))?;
        let init: &[u8] = match input {
            Input::Tx => tx_data,
            Input::Memory { off, len } => {
                self.memory.get(off..off.saturating_add(len)).unwrap_or(&[])
            }
        };
        let address = match salt {
            None => create_address(&caller, nonce),
            Some(s) => create2_address(&caller, &s.to_be_bytes::<32>(), &keccak256(init)),
        };
        let (new_i, _) = self.journal.access(&self.state, &address)?;
        let existing = *self.journal.account(new_i);
        let collision = existing.info.nonce != 0
            || existing.info.code_hash != KECCAK_EMPTY
            || (existing.flags & crate::journal::EXISTED != 0
                && existing.flags & crate::journal::STORAGE_CLEARED == 0
                && self.state.has_storage(&address).map_err(Error::State)?);
        if collision {
            return Ok(Started::Done {
                status: ExecStatus::Halt(Halt::CreateCollision),
                gas_left: 0,
            });
        }
        let cp = self.journal.checkpoint();
        self.journal.mark_created(new_i)?;
        if !self.journal.transfer(caller_i, new_i, value)? {
            self.journal.revert(cp);
            return Ok(fail);
        }
        let code = self.code.push(init).map_err(Error::Capacity)?;
        self.push_frame(Frame {
            code,
            pc: 0,
            gas,
            refund: 0,
            stack_base: 0,
            sp: 0,
            mem_base: 0,
            mem_len: 0,
            input_from_tx: false,
            input_off: 0,
            input_len: 0,
            caller,
            address,
            account: new_i,
            value,
            is_static: false,
            is_create: true,
            depth: depth as u16,
            ret_off: 0,
            ret_len: 0,
            checkpoint: cp,
        })?;
        Ok(Started::Frame)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::AccountInfo;
    use crate::tracer::Step;
    use crate::Limits;
    use std::collections::BTreeMap;

    #[derive(Default)]
    struct Mem {
        accounts: BTreeMap<Address, AccountInfo>,
        code: BTreeMap<B256, Vec<u8>>,
    }

    impl State for Mem {
        type Error = ();
        fn account(&self, a: &Address) -> Result<Option<AccountInfo>, ()> {
            Ok(self.accounts.get(a).copied())
        }
        fn code(&self, h: &B256) -> Result<&[u8], ()> {
            self.code.get(h).map(|c| c.as_slice()).ok_or(())
        }
        fn storage(&self, _: &Address, _: &U256) -> Result<U256, ()> {
            Ok(U256::ZERO)
        }
        fn block_hash(&self, _: u64) -> Result<B256, ()> {
            Ok([0; 32])
        }
    }

    fn with_contract(code: &[u8]) -> Mem {
        let mut m = Mem::default();
        let h = keccak256(code);
        m.code.insert(h, code.to_vec());
        m.accounts.insert(
            [0xcc; 20],
            AccountInfo {
                nonce: 1,
                balance: U256::ZERO,
                code_hash: h,
            },
        );
        m.accounts.insert(
            [0xaa; 20],
            AccountInfo {
                nonce: 0,
                balance: U256::from(10u64.pow(18)),
                code_hash: KECCAK_EMPTY,
            },
        );
        m
    }

    fn tx() -> TxEnv<'static> {
        TxEnv {
            caller: [0xaa; 20],
            to: Some([0xcc; 20]),
            gas_limit: 100_000,
            max_fee_per_gas: U256::from(10),
            ..TxEnv::default()
        }
    }

    // PUSH1 4 JUMP INVALID JUMPDEST PUSH1 0x2a PUSH1 0 SSTORE PUSH1 0x2a PUSH1 0 MSTORE
    // PUSH1 32 PUSH1 0 RETURN: returns 0x2a.
    const CODE_A: [u8; 20] = [
        0x60, 4, 0x56, 0xfe, 0x5b, 0x60, 0x2a, 0x60, 0, 0x55, 0x60, 0x2a, 0x60, 0, 0x52, 0x60, 32,
        0x60, 0, 0xf3,
    ];
    // PUSH1 5 JUMP INVALID INVALID JUMPDEST PUSH1 7 PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN:
    // returns 7; byte 4 is not a JUMPDEST here (A's bitmap would be wrong).
    const CODE_B: [u8; 16] = [
        0x60, 5, 0x56, 0xfe, 0xfe, 0x5b, 0x60, 7, 0x60, 0, 0x52, 0x60, 32, 0x60, 0, 0xf3,
    ];

    /// `CODE_A` at 0xcc, `CODE_B` at 0xbb, a funded sender at 0xaa.
    fn two_contracts() -> Mem {
        let mut m = with_contract(&CODE_A);
        let h = keccak256(&CODE_B);
        m.code.insert(h, CODE_B.to_vec());
        m.accounts.insert(
            [0xbb; 20],
            AccountInfo {
                nonce: 1,
                balance: U256::ZERO,
                code_hash: h,
            },
        );
        m
    }

    type Summary = Result<(ExecStatus, u64, Vec<u8>, Vec<(Address, U256, U256)>), Error<()>>;

    fn summary(evm: &mut Evm<'_, &Mem>, t: &TxEnv<'_>) -> Summary {
        let out = evm.transact(&BlockEnv::default(), t)?;
        Ok((
            out.status,
            out.gas_used,
            evm.output().to_vec(),
            evm.storage_changes().collect(),
        ))
    }

    fn fresh(state: &Mem, l: &Limits, t: &TxEnv<'_>) -> Summary {
        fresh_in(Spec::default(), state, l, t)
    }

    fn fresh_in(spec: Spec, state: &Mem, l: &Limits, t: &TxEnv<'_>) -> Summary {
        let mut hb = HeapBuffers::new(l);
        let mut evm = Evm::new(state, hb.buffers());
        evm.set_spec(spec);
        summary(&mut evm, t)
    }

    fn call_to(to: u8) -> TxEnv<'static> {
        TxEnv {
            to: Some([to; 20]),
            ..tx()
        }
    }

    #[test]
    fn code_is_kept_across_transactions() {
        let state = two_contracts();
        let l = Limits::DEVICE;
        let mut hb = HeapBuffers::new(&l);
        let mut evm = Evm::new(&state, hb.buffers());
        let first = summary(&mut evm, &call_to(0xcc));
        assert!(first.as_ref().is_ok_and(|s| s.0 == ExecStatus::Success));
        assert_eq!(first, fresh(&state, &l, &call_to(0xcc)));
        let used = evm.code_arena_used();
        assert!(evm.code_arena_kept() > 0);
        // The second run reuses the analysed code: nothing new in the arena.
        assert_eq!(summary(&mut evm, &call_to(0xcc)), first);
        assert_eq!(evm.code_arena_used(), used);
        // Other code is added next to it, and both stay.
        let b = summary(&mut evm, &call_to(0xbb));
        assert_eq!(b, fresh(&state, &l, &call_to(0xbb)));
        assert_eq!(b.as_ref().map(|s| s.2[31]), Ok(7));
        assert_eq!(summary(&mut evm, &call_to(0xcc)), first);
        assert_eq!(summary(&mut evm, &call_to(0xbb)), b);
    }

    #[test]
    fn transactions_after_a_create_are_correct() {
        // Initcode: CALL 0xbb with no data, POP, JUMPDEST, STOP (deploys empty code).
        let mut init = vec![0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x73];
        init.extend_from_slice(&[0xbb; 20]);
        init.extend_from_slice(&[0x5a, 0xf1, 0x50, 0x5b, 0x00]);
        // Initcode returning CODE_B as the deployed code: CODECOPY it from the end, RETURN.
        let mut deploy = vec![
            0x60,
            CODE_B.len() as u8,
            0x60,
            12,
            0x60,
            0,
            0x39,
            0x60,
            CODE_B.len() as u8,
            0x60,
            0,
            0xf3,
        ];
        deploy.extend_from_slice(&CODE_B);
        let state = two_contracts();
        let l = Limits::DEVICE;
        let mut hb = HeapBuffers::new(&l);
        let mut evm = Evm::new(&state, hb.buffers());
        let a = summary(&mut evm, &call_to(0xcc));
        for data in [&init[..], &deploy[..]] {
            let create = TxEnv {
                to: None,
                data,
                gas_limit: 1_000_000,
                ..tx()
            };
            let c = summary(&mut evm, &create);
            assert!(c.as_ref().is_ok_and(|s| s.0 == ExecStatus::Success));
            assert_eq!(c, fresh(&state, &l, &create));
            assert_eq!(summary(&mut evm, &call_to(0xcc)), a);
            assert_eq!(
                summary(&mut evm, &call_to(0xbb)),
                fresh(&state, &l, &call_to(0xbb))
            );
            assert_eq!(summary(&mut evm, &create), c);
        }
    }

    #[test]
    fn a_code_arena_too_small_for_two_contracts_runs_both() {
        let state = two_contracts();
        // Room for one contract with its cache header, not for two.
        let l = Limits {
            code_bytes: 100,
            ..Limits::DEVICE
        };
        let mut hb = HeapBuffers::new(&l);
        let mut evm = Evm::new(&state, hb.buffers());
        let a = fresh(&state, &l, &call_to(0xcc));
        let b = fresh(&state, &l, &call_to(0xbb));
        assert!(a.is_ok() && b.is_ok());
        for _ in 0..3 {
            assert_eq!(summary(&mut evm, &call_to(0xcc)), a);
            assert_eq!(summary(&mut evm, &call_to(0xbb)), b);
            assert_eq!(summary(&mut evm, &call_to(0xbb)), b);
        }
        // Too small for either: the same error as a fresh `Evm`.
        let l = Limits {
            code_bytes: 40,
            ..Limits::DEVICE
        };
        let mut hb = HeapBuffers::new(&l);
        let mut evm = Evm::new(&state, hb.buffers());
        assert_eq!(
            summary(&mut evm, &call_to(0xcc)),
            Err(Error::Capacity(Resource::Code))
        );
        assert_eq!(
            fresh(&state, &l, &call_to(0xcc)),
            Err(Error::Capacity(Resource::Code))
        );
    }

    #[test]
    fn add_and_sstore() {
        // PUSH1 1 PUSH1 2 ADD PUSH1 0 SSTORE
        let state = with_contract(&[0x60, 1, 0x60, 2, 0x01, 0x60, 0, 0x55]);
        let mut hb = HeapBuffers::new(&Limits::DEVICE);
        let mut evm = Evm::new(&state, hb.buffers());
        let out = evm.transact(&BlockEnv::default(), &tx()).unwrap();
        assert_eq!(out.status, ExecStatus::Success);
        assert_eq!(out.gas_used, 21_000 + 12 + 22_100);
        let writes: Vec<_> = evm.storage_changes().collect();
        assert_eq!(writes, vec![([0xcc; 20], U256::ZERO, U256::from(3))]);
    }

    /// A hostile host sends any gas limit with zero fees.
    fn free_tx(gas_limit: u64) -> (BlockEnv, TxEnv<'static>) {
        let block = BlockEnv {
            gas_limit: u64::MAX,
            ..BlockEnv::default()
        };
        let t = TxEnv {
            gas_limit,
            max_fee_per_gas: U256::ZERO,
            ..tx()
        };
        (block, t)
    }

    /// `code` at 0xcc calling 0xbb (`child`) with all its gas, storing the
    /// CALL's success flag in slot 0 and stopping.
    fn caller_of(child: &[u8]) -> Mem {
        // PUSH1 0 x5 (ret len/off, in len/off, value), PUSH20 0xbb.., GAS, CALL,
        // PUSH1 0, SSTORE, STOP
        let mut code = vec![0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x73];
        code.extend_from_slice(&[0xbb; 20]);
        code.extend_from_slice(&[0x5a, 0xf1, 0x60, 0, 0x55, 0x00]);
        let mut m = with_contract(&code);
        let h = keccak256(child);
        m.code.insert(h, child.to_vec());
        m.accounts.insert(
            [0xbb; 20],
            AccountInfo {
                nonce: 1,
                balance: U256::ZERO,
                code_hash: h,
            },
        );
        m
    }

    #[test]
    fn memory_limit_ends_the_transaction() {
        // PUSH3 0x020000 MLOAD (128 KiB > 64 KiB device arena)
        let mload = [0x62, 0x02, 0x00, 0x00, 0x51];
        let mut t = tx();
        t.gas_limit = 1_000_000;
        let memory = Err(Error::Capacity(Resource::Memory));
        assert_eq!(fresh(&with_contract(&mload), &Limits::DEVICE, &t), memory);
        // In a nested frame too: the caller does not see a failed CALL.
        assert_eq!(fresh(&caller_of(&mload), &Limits::DEVICE, &t), memory);
        // Unpaid (16 MiB, ≈ 539 M gas), an expansion is an EVM out-of-gas halt of
        // the child: the CALL fails (slot 0 stays 0) and the caller goes on.
        let mload_16m = [0x63, 0x01, 0x00, 0x00, 0x00, 0x51];
        let out = fresh(&caller_of(&mload_16m), &Limits::DEVICE, &t);
        assert!(out.is_ok_and(|s| s.0 == ExecStatus::Success && s.3.is_empty()));
    }

    #[test]
    fn keccak_at_4_gib_is_a_memory_capacity_error() {
        // PUSH1 0x21 PUSH4 0xffffffff KECCAK256: memory end 2^32 + 32, paid by 2^46 gas.
        // (On a 32-bit target the old expansion wrapped here and sliced out of bounds.)
        let state = with_contract(&[0x60, 0x21, 0x63, 0xff, 0xff, 0xff, 0xff, 0x20]);
        let (block, t) = free_tx(1 << 46);
        for l in [Limits::DEVICE, Limits::HOST] {
            let mut hb = HeapBuffers::new(&l);
            let mut evm = Evm::new(&state, hb.buffers());
            evm.set_spec(Spec::Cancun); // gas limits beyond the Osaka cap
            assert_eq!(
                evm.transact(&block, &t),
                Err(Error::Capacity(Resource::Memory))
            );
        }
        // With less gas than the expansion costs it is out of gas, as in any EVM.
        let (block, t) = free_tx(1 << 40);
        let mut hb = HeapBuffers::new(&Limits::DEVICE);
        let mut evm = Evm::new(&state, hb.buffers());
        evm.set_spec(Spec::Cancun); // gas limits beyond the Osaka cap
        let out = evm.transact(&block, &t).unwrap();
        assert_eq!(out.status, ExecStatus::Halt(Halt::OutOfGas));
    }

    #[test]
    fn value_call_to_precompile_succeeds() {
        // PUSH1 0 x4, PUSH1 1, PUSH1 5, PUSH1 0, CALL, PUSH1 0, STOP
        let code = [
            0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x60, 1, 0x60, 5, 0x60, 0, 0xf1, 0x60, 0, 0,
        ];
        let state = with_contract(&code);
        let mut hb = HeapBuffers::new(&Limits::DEVICE);
        let mut evm = Evm::new(&state, hb.buffers());
        let mut t = tx();
        t.value = U256::from(1);
        let out = evm.transact(&BlockEnv::default(), &t).unwrap();
        assert_eq!(out.status, ExecStatus::Success);
    }

    /// KZG (0x0a) is built only with the `kzg` feature (the tests build
    /// every other precompile): a call to it ends the transaction.
    #[cfg(not(feature = "kzg"))]
    #[test]
    fn call_to_unavailable_precompile_ends_the_transaction() {
        // PUSH1 0 x4, PUSH1 1 (value), PUSH1 0x0a, GAS, CALL, PUSH1 0, SSTORE, STOP
        let code = [
            0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x60, 1, 0x60, 0x0a, 0x5a, 0xf1, 0x60, 0, 0x55, 0,
        ];
        let state = with_contract(&code);
        let mut hb = HeapBuffers::new(&Limits::DEVICE);
        let mut evm = Evm::new(&state, hb.buffers());
        let mut t = tx();
        t.value = U256::from(1);
        assert_eq!(
            evm.transact(&BlockEnv::default(), &t),
            Err(Error::PrecompileUnavailable(0x0a))
        );
        // As the transaction's recipient too.
        let t = call_to(0);
        let t = TxEnv {
            to: Some({
                let mut a = [0u8; 20];
                a[19] = 0x0a;
                a
            }),
            ..t
        };
        assert_eq!(
            evm.transact(&BlockEnv::default(), &t),
            Err(Error::PrecompileUnavailable(0x0a))
        );
    }

    #[test]
    fn endless_loop_ends_in_the_step_budget() {
        // JUMPDEST PUSH1 0 JUMP, with 2^60 gas for free.
        let state = with_contract(&[0x5b, 0x60, 0, 0x56]);
        let (block, t) = free_tx(1 << 60);
        let mut hb = HeapBuffers::new(&Limits {
            steps: 100_000,
            ..Limits::DEVICE
        });
        let mut evm = Evm::new(&state, hb.buffers());
        evm.set_spec(Spec::Cancun); // gas limits beyond the Osaka cap
        assert_eq!(evm.transact(&block, &t), Err(Error::StepBudget));
        // The budget is per transaction: a short one (≈ 8300 iterations of
        // 4 code bytes) still runs out of gas.
        let (block, t) = free_tx(100_000);
        let out = evm.transact(&block, &t).unwrap();
        assert_eq!(out.status, ExecStatus::Halt(Halt::OutOfGas));
        // The same loop in a child frame ends the whole transaction.
        let state = caller_of(&[0x5b, 0x60, 0, 0x56]);
        let (block, t) = free_tx(1 << 60);
        let mut evm = Evm::new(&state, hb.buffers());
        evm.set_spec(Spec::Cancun); // gas limits beyond the Osaka cap
        assert_eq!(evm.transact(&block, &t), Err(Error::StepBudget));
    }

    #[test]
    fn step_budget_counts_straight_code_and_calls() {
        // 1000 JUMPDESTs and STOP: one segment of 1001 bytes, counted at the exit.
        let mut code = vec![0x5b; 1000];
        code.push(0x00);
        let state = with_contract(&code);
        let (block, t) = free_tx(100_000);
        let run = |steps| {
            let mut hb = HeapBuffers::new(&Limits {
                steps,
                ..Limits::DEVICE
            });
            let mut evm = Evm::new(&state, hb.buffers());
            evm.transact(&block, &t).map(|o| o.status)
        };
        // The call (1), loading 32 words of code (32) and 1001 bytes of code run.
        assert_eq!(run(1034), Ok(ExecStatus::Success));
        assert_eq!(run(1033), Err(Error::StepBudget));
        assert_eq!(run(32), Err(Error::StepBudget));
    }

    #[test]
    fn blake2f_beyond_the_step_budget_does_not_run() {
        // CALLDATACOPY the input to 0, CALL 0x09 with it (4 billion rounds, paid for), STOP.
        let code = [
            0x36, 0x60, 0, 0x60, 0, 0x37, 0x60, 64, 0x60, 0, 0x36, 0x60, 0, 0x60, 0, 0x60, 9, 0x5a,
            0xf1, 0x00,
        ];
        let state = with_contract(&code);
        let mut input = vec![0xff, 0xff, 0xff, 0xff];
        input.resize(213, 0);
        input[212] = 1;
        let (block, mut t) = free_tx(1 << 40);
        t.data = input.leak();
        let mut hb = HeapBuffers::new(&Limits {
            steps: 100_000,
            ..Limits::DEVICE
        });
        let mut evm = Evm::new(&state, hb.buffers());
        evm.set_spec(Spec::Cancun); // gas limits beyond the Osaka cap
        assert_eq!(evm.transact(&block, &t), Err(Error::StepBudget));
        // With 12 rounds it runs.
        let mut input = vec![0, 0, 0, 12];
        input.resize(213, 0);
        input[212] = 1;
        t.data = input.leak();
        assert!(evm
            .transact(&block, &t)
            .is_ok_and(|o| o.status == ExecStatus::Success));
    }

    #[test]
    fn modexp_operand_over_the_device_bound_ends_the_transaction() {
        // bl = 0, el = 800 KiB, ml = 1 at 0..96 of memory; CALL 0x05; STOP.
        // ≈ 2.2 M gas: paid, but the exponent is beyond the 1 KiB device bound.
        let mut code = vec![
            0x62, 0x0c, 0x80, 0x00, 0x60, 32, 0x52, 0x60, 1, 0x60, 64, 0x52,
        ];
        // PUSH1 1 (ret len) PUSH1 0 (ret off) PUSH1 97 (in len) PUSH1 0 (in off) PUSH1 0 (value)
        // PUSH1 5 GAS CALL PUSH1 0 SSTORE STOP
        code.extend_from_slice(&[
            0x60, 1, 0x60, 0, 0x60, 97, 0x60, 0, 0x60, 0, 0x60, 5, 0x5a, 0xf1, 0x60, 0, 0x55, 0,
        ]);
        let state = with_contract(&code);
        let (block, t) = free_tx(10_000_000);
        assert_eq!(
            fresh_in(Spec::Cancun, &state, &Limits::DEVICE, &t),
            Err(Error::Capacity(Resource::ModexpOperand))
        );
        // Unpaid it is a failed CALL (out of gas in the precompile), as in any EVM.
        let (_, t2) = free_tx(1_000_000);
        let out = fresh_in(Spec::Cancun, &state, &Limits::DEVICE, &t2);
        assert!(out.is_ok_and(|s| s.0 == ExecStatus::Success && s.3.is_empty()));
        // The host bound computes it (0^e mod 1 = 0, CALL succeeds: slot 0 = 1).
        let out = fresh_in(Spec::Cancun, &state, &Limits::HOST, &t);
        assert!(out.is_ok_and(|s| s.3 == vec![([0xcc; 20], U256::ZERO, U256::from(1))]));
        let _ = block;
    }

    #[test]
    fn frame_buffer_exhaustion_is_a_capacity_error() {
        // PUSH1 0 x5, ADDRESS, GAS, CALL, STOP: unbounded self-recursion.
        let code = [
            0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x30, 0x5a, 0xf1, 0x00,
        ];
        let state = with_contract(&code);
        let mut hb = HeapBuffers::new(&Limits::DEVICE);
        let mut evm = Evm::new(&state, hb.buffers());
        let mut t = tx();
        t.gas_limit = 10_000_000;
        assert_eq!(
            evm.transact(&BlockEnv::default(), &t),
            Err(Error::Capacity(Resource::Frames))
        );
        // With room for 1025 frames the 63/64 rule ends the recursion first.
        let mut hb = HeapBuffers::new(&Limits {
            frames: limits::CALL_DEPTH_LIMIT + 1,
            stack_words: 1 << 14,
            ..Limits::DEVICE
        });
        let mut evm = Evm::new(&state, hb.buffers());
        let out = evm.transact(&BlockEnv::default(), &t).unwrap();
        assert_eq!(out.status, ExecStatus::Success);
    }

    #[test]
    fn tracer_sees_every_step() {
        struct Count(usize);
        impl Tracer for Count {
            fn step(&mut self, _: &Step<'_>) {
                self.0 += 1;
            }
        }
        let state = with_contract(&[0x60, 1, 0x60, 2, 0x01, 0x60, 0, 0x55]);
        let mut hb = HeapBuffers::new(&Limits::DEVICE);
        let mut evm = Evm::with_tracer(&state, hb.buffers(), Count(0));
        evm.transact(&BlockEnv::default(), &tx()).unwrap();
        // Five instructions plus the implicit STOP at the end of the code.
        assert_eq!(evm.tracer_mut().0, 6);
    }

    #[test]
    fn invalid_nonce_is_rejected() {
        let state = with_contract(&[0x00]);
        let mut hb = HeapBuffers::new(&Limits::DEVICE);
        let mut evm = Evm::new(&state, hb.buffers());
        let mut t = tx();
        t.nonce = 5;
        assert_eq!(
            evm.transact(&BlockEnv::default(), &t),
            Err(Error::InvalidTx(InvalidTx::NonceMismatch {
                got: 5,
                expected: 0
            }))
        );
    }

    #[test]
    fn create_addresses() {
        // Well-known: sender 0x6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0
        let s: Address = [
            0x6a, 0xc7, 0xea, 0x33, 0xf8, 0x83, 0x1e, 0xa9, 0xdc, 0xc5, 0x33, 0x93, 0xaa, 0xa8,
            0x8b, 0x25, 0xa7, 0x85, 0xdb, 0xf0,
        ];
        let a0 = create_address(&s, 0);
        assert_eq!(a0[..4], [0xcd, 0x23, 0x4a, 0x47]);
        let a1 = create_address(&s, 1);
        assert_eq!(a1[..4], [0x34, 0x3c, 0x43, 0xa3]);
        // EIP-1014 example 1: address 0, salt 0, init 0x00
        let a = create2_address(&[0; 20], &[0; 32], &keccak256(&[0]));
        assert_eq!(a[..4], [0x4d, 0x1a, 0x2e, 0x2b]);
    }
}
