//! The frame driver: CALL and CREATE frames on an explicit stack, started from input structs, their results delivered to the caller.

use super::{Evm, R};
use crate::buf::SliceVec;
use crate::env::TxEnv;
use crate::error::{Error, Resource};
use crate::frame::Frame;
use crate::gas;
use crate::journal::{EXISTED, STORAGE_CLEARED, TOUCHED};
use crate::limits;
use crate::precompile::{self, PrecompileError};
use crate::primitives::{addr_to_u256, create2_address, create_address, keccak256};
use crate::result::{ExecStatus, Halt};
use crate::state::{u256_is_zero, Address, State, KECCAK_EMPTY, U256};
use crate::tracer::Tracer;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CallKind {
    Call,
    CallCode,
    DelegateCall,
    StaticCall,
}

/// What the instruction loop asks the frame driver to do.
#[derive(Debug, Clone, Copy)]
pub(super) enum Action {
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
pub(super) enum Input {
    Tx,
    Memory { off: usize, len: usize },
}

/// Result of starting a call or creation.
#[derive(Debug, Clone, Copy)]
pub(super) enum Started {
    Frame,
    Done { status: ExecStatus, gas_left: u64 },
}

/// A call to start ([`Evm::start_call`]).
#[derive(Debug, Clone, Copy)]
pub(super) struct CallInput<'t> {
    pub kind: CallKind,
    pub gas: u64,
    pub caller: Address,
    /// The account whose storage and balance the frame works on.
    pub address: Address,
    /// Where the code comes from: `address`, or its delegate (EIP-7702).
    pub code_address: Address,
    /// The code is a delegate's: a precompile address runs as an empty account.
    pub delegated: bool,
    pub value: U256,
    pub is_static: bool,
    pub input: Input,
    /// The transaction's data, read when `input` is [`Input::Tx`].
    pub tx_data: &'t [u8],
    /// Where the caller wants the output (relative to its memory).
    pub ret_off: usize,
    pub ret_len: usize,
    pub depth: usize,
}

/// A creation to start ([`Evm::start_create`]).
#[derive(Debug, Clone, Copy)]
pub(super) struct CreateInput<'t> {
    pub caller: Address,
    pub value: U256,
    /// The initcode.
    pub input: Input,
    /// The transaction's data, read when `input` is [`Input::Tx`].
    pub tx_data: &'t [u8],
    /// CREATE2's salt (`None`: CREATE).
    pub salt: Option<U256>,
    pub gas: u64,
    pub depth: usize,
    /// The caller's nonce (the new address of CREATE).
    pub nonce: u64,
}

impl<S: State, T: Tracer> Evm<'_, S, T> {
    /// Runs frames until the outermost one ends.
    pub(super) fn execute(
        &mut self,
        tx: &TxEnv<'_>,
    ) -> R<(ExecStatus, u64, i64, Option<Address>), S::Error> {
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
                    let started = self.start_call(CallInput {
                        kind,
                        gas,
                        caller,
                        address,
                        code_address,
                        delegated,
                        value: val,
                        is_static,
                        input: Input::Memory {
                            off: in_off,
                            len: in_len,
                        },
                        tx_data: &[],
                        ret_off,
                        ret_len,
                        depth: parent.depth as usize + 1,
                    });
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
                    let started = self.start_create(CreateInput {
                        caller: parent.address,
                        value,
                        input: Input::Memory {
                            off: init_off,
                            len: init_len,
                        },
                        tx_data: &[],
                        salt,
                        gas,
                        depth: parent.depth as usize + 1,
                        nonce,
                    })?;
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
    pub(super) fn take_steps(&mut self, n: u64) -> R<(), S::Error> {
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

    /// What calls and creations take first: a step, the return data
    /// cleared; `false` beyond the depth limit (the frame fails at once).
    fn enter(&mut self, depth: usize) -> R<bool, S::Error> {
        self.take_steps(1)?;
        self.return_data.clear();
        Ok(depth <= limits::CALL_DEPTH_LIMIT)
    }

    /// Starts a call: a new frame, or at once a result (a failed transfer,
    /// the depth limit, a precompile, empty code).
    pub(super) fn start_call(&mut self, call: CallInput<'_>) -> R<Started, S::Error> {
        let CallInput {
            kind,
            gas,
            caller,
            address,
            code_address,
            delegated,
            value,
            is_static,
            input,
            tx_data,
            ret_off,
            ret_len,
            depth,
        } = call;
        let fail = failed(gas);
        if !self.enter(depth)? {
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
            let inp = input_bytes(self.memory, input, tx_data);
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
            gas,
            input_from_tx,
            input_off,
            input_len,
            caller,
            address,
            account: target_i,
            value,
            is_static,
            depth: depth as u16,
            ret_off: ret_off as u32,
            ret_len: ret_len as u32,
            checkpoint: cp,
            ..Frame::default()
        })?;
        Ok(Started::Frame)
    }

    /// Starts a creation: a new frame, or at once a result (depth, balance,
    /// nonce, collision).
    pub(super) fn start_create(&mut self, create: CreateInput<'_>) -> R<Started, S::Error> {
        let CreateInput {
            caller,
            value,
            input,
            tx_data,
            salt,
            gas,
            depth,
            nonce,
        } = create;
        let fail = failed(gas);
        if !self.enter(depth)? {
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
        let init = input_bytes(self.memory, input, tx_data);
        let address = match salt {
            None => create_address(&caller, nonce),
            Some(s) => create2_address(&caller, &s.to_be_bytes::<32>(), &keccak256(init)),
        };
        let (new_i, _) = self.journal.access(&self.state, &address)?;
        let existing = *self.journal.account(new_i);
        let collision = existing.info.nonce != 0
            || existing.info.code_hash != KECCAK_EMPTY
            || (existing.flags & EXISTED != 0
                && existing.flags & STORAGE_CLEARED == 0
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
            gas,
            caller,
            address,
            account: new_i,
            value,
            is_create: true,
            depth: depth as u16,
            checkpoint: cp,
            ..Frame::default()
        })?;
        Ok(Started::Frame)
    }
}

/// A call or creation that fails before its frame runs: reverted, its gas kept.
const fn failed(gas: u64) -> Started {
    Started::Done {
        status: ExecStatus::Revert,
        gas_left: gas,
    }
}

/// A new frame's input bytes: the transaction's data or a range of `memory`.
fn input_bytes<'a>(memory: &'a [u8], input: Input, tx_data: &'a [u8]) -> &'a [u8] {
    match input {
        Input::Tx => tx_data,
        Input::Memory { off, len } => memory.get(off..off.saturating_add(len)).unwrap_or(&[]),
    }
}
