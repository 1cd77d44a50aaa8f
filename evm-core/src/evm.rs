//! The EVM: its buffers, per-transaction context and `transact`; the parts are in `evm/` (buffers, tx validation and fees, the frame driver, the instruction loop, its machine and the instructions by family, changes).

use crate::buf::SliceVec;
use crate::code::CodeArena;
use crate::env::{BlockEnv, TxEnv};
use crate::error::{Error, Resource};
use crate::frame::Frame;
use crate::journal::{CachedAccount, Journal, CODE_LOADED};
use crate::precompile;
use crate::result::Outcome;
use crate::spec::{BlobParams, Spec};
use crate::state::{Address, State, B256, KECCAK_EMPTY, U256};
use crate::tracer::{hooks_on, NoTracer, Tracer};

pub mod authorization;
mod buffers;
mod changes;
#[cfg(test)]
mod fork_tests;
mod frames;
mod history;
mod instructions;
mod interpreter;
mod machine;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;
mod tx;

pub use buffers::Buffers;
#[cfg(any(test, feature = "alloc"))]
pub use buffers::HeapBuffers;
pub use changes::AccountChange;
use frames::{Action, CallInput, CallKind, CreateInput, Input, Started};

pub use crate::primitives::{create2_address, create_address, keccak256};
pub use history::{HISTORY_SERVE_WINDOW, HISTORY_STORAGE_ADDRESS, SYSTEM_ADDRESS};

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

    fn transact_inner(&mut self, block: &BlockEnv, tx: &TxEnv<'_>) -> R<Outcome, S::Error> {
        self.budget.steps = self.step_limit;
        self.journal.clear();
        self.frames.clear();
        self.return_data.clear();
        self.journal.spec = self.spec;
        // `delegate_of` in `validate` reads the spec from the context.
        self.ctx.spec = self.spec;
        let v = self.validate(block, tx)?;
        self.ctx = self.tx_ctx(block, tx.caller, v.gas_price);
        // Buy gas, bump the nonce.
        let sender = self.journal.load(&self.state, &tx.caller)?;
        let fee = U256::from(tx.gas_limit) * v.gas_price + v.blob_fee;
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
        let gas = tx.gas_limit - v.intrinsic;
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
                self.start_call(CallInput {
                    kind: CallKind::Call,
                    gas,
                    caller: tx.caller,
                    address: to,
                    code_address,
                    delegated,
                    value: tx.value,
                    is_static: false,
                    input: Input::Tx,
                    tx_data: tx.data,
                    ret_off: 0,
                    ret_len: 0,
                    depth: 0,
                })?
            }
            None => self.start_create(CreateInput {
                caller: tx.caller,
                value: tx.value,
                input: Input::Tx,
                tx_data: tx.data,
                salt: None,
                gas,
                depth: 0,
                nonce,
            })?,
        };
        let (status, gas_left, refund, created) = match started {
            Started::Done { status, gas_left } => (status, gas_left, 0, None),
            Started::Frame => self.execute(tx)?,
        };
        // Refund (execution's when it succeeded, the authorizations' always),
        // then the calldata floor (EIP-7623, zero before Prague), and fees.
        let exec_refund = if status.is_success() {
            refund.max(0) as u64
        } else {
            0
        };
        let (gas_used, refund) = self.settle(
            block,
            tx,
            &v,
            gas_left,
            exec_refund.saturating_add(auth_refund),
        )?;
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
}
