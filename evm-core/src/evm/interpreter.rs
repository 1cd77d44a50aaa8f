//! The instruction loop: runs the top frame until it calls, creates or exits, dispatching to `instructions/`.

use super::instructions::{arithmetic, bitwise, environment, flow, log, memory, storage, system};
use super::machine::{Machine, Scope, Stop};
use super::{Action, CallKind, Evm, R};
use crate::env::TxEnv;
use crate::error::{Error, Resource};
use crate::limits::STACK_LIMIT;
use crate::opcode::{op, OpCheck, OPCODES};
use crate::primitives::addr_to_u256;
use crate::result::{ExecStatus, Halt};
use crate::state::{State, U256};
use crate::tracer::{hooks_on, Step, StepEnd, Tracer};

impl<S: State, T: Tracer> Evm<'_, S, T> {
    /// Runs the top frame until it calls, creates or exits.
    pub(super) fn run(&mut self, tx: &TxEnv<'_>) -> R<Action, S::Error> {
        let Self {
            state,
            tracer,
            memory,
            stack,
            code: arena,
            frames,
            journal,
            return_data,
            ctx,
            budget,
            ..
        } = self;
        let state: &S = state;
        let Some(f) = frames.last_mut() else {
            return Err(Error::Capacity(Resource::Frames));
        };
        let mem_base = f.mem_base as usize;
        let (parent_mem, mem) = memory.split_at_mut(mem_base.min(memory.len()));
        let input: &[u8] = if f.input_from_tx {
            tx.data
        } else {
            let s = f.input_off as usize;
            parent_mem
                .get(s..s.saturating_add(f.input_len as usize))
                .unwrap_or(&[])
        };
        let sb = (f.stack_base as usize).min(stack.len());
        let st_end = (sb + STACK_LIMIT).min(stack.len());
        let s = Scope {
            code: arena.padded(f.code),
            code_len: f.code.len as usize,
            jumpdests: arena.jumpdests(f.code),
            input,
            return_data: return_data.as_slice(),
            arena,
            ctx,
            blob_hashes: tx.blob_hashes,
            address: f.address,
            caller: f.caller,
            value: f.value,
            account: f.account,
            is_static: f.is_static,
            mem_base,
        };
        let depth = f.depth as usize;
        let mut m = Machine {
            stack: &mut stack[sb..st_end],
            sp: f.sp as usize,
            mem,
            mem_len: f.mem_len as usize,
            gas: f.gas,
            refund: f.refund,
            pc: f.pc as usize,
            steps: budget.steps,
            seg: f.pc as usize,
        };
        let stack_cap = m.stack.len();
        // The fork's instruction checks, chosen once per frame run.
        let checks = ctx.spec.checks();

        // An instruction that may stop the loop.
        macro_rules! step {
            ($e:expr) => {
                if let Err(e) = $e {
                    break Stop::from(e);
                }
            };
        }
        // An instruction that leaves the frame.
        macro_rules! leave {
            ($e:expr) => {
                break match $e {
                    Ok(a) => Stop::Exit(a),
                    Err(e) => Stop::from(e),
                }
            };
        }

        let stop: Stop<S::Error> = loop {
            let opcode = s.code.get(m.pc).copied().unwrap_or(op::STOP);
            let check = checks[opcode as usize];
            if hooks_on::<T>() {
                tracer.step(&Step {
                    pc: m.pc,
                    op: opcode,
                    gas: m.gas,
                    depth,
                    address: s.address,
                    stack: &m.stack[..m.sp],
                    memory: &m.mem[..m.mem_len],
                    refund: m.refund,
                    return_data: s.return_data,
                });
            }
            // The three checks in one condition (off the common path); the slow path
            // finds which failed.
            if (m.sp < check.inputs as usize)
                | (m.sp + check.grows as usize > stack_cap)
                | (m.gas < u64::from(check.gas))
            {
                break failed_check(opcode, check, m.sp, stack_cap);
            }
            m.gas -= u64::from(check.gas);
            m.pc += 1;
            match opcode {
                op::STOP => break Stop::Exit(system::STOP),
                op::ADD => m.binary(U256::wrapping_add),
                op::MUL => m.binary(U256::wrapping_mul),
                op::SUB => m.binary(U256::wrapping_sub),
                op::DIV => m.binary(arithmetic::div),
                op::SDIV => m.binary(arithmetic::sdiv),
                op::MOD => m.binary(arithmetic::rem),
                op::SMOD => m.binary(arithmetic::smod),
                op::ADDMOD => m.ternary(U256::add_mod),
                op::MULMOD => m.ternary(U256::mul_mod),
                op::EXP => step!(arithmetic::exp(&mut m)),
                op::SIGNEXTEND => m.binary(arithmetic::signextend),
                op::LT => m.binary(bitwise::lt),
                op::GT => m.binary(bitwise::gt),
                op::SLT => m.binary(bitwise::slt),
                op::SGT => m.binary(bitwise::sgt),
                op::EQ => m.binary(bitwise::eq),
                op::ISZERO => m.unary(bitwise::iszero),
                op::AND => m.binary(|a, b| a & b),
                op::OR => m.binary(|a, b| a | b),
                op::XOR => m.binary(|a, b| a ^ b),
                op::NOT => m.unary(|a| !a),
                op::BYTE => m.binary(bitwise::byte),
                op::SHL => m.binary(bitwise::shl),
                op::SHR => m.binary(bitwise::shr),
                op::SAR => m.binary(bitwise::sar),
                // Only reachable from Osaka on (undefined in older checks).
                op::CLZ => m.unary(bitwise::clz),
                op::KECCAK256 => step!(memory::keccak(&mut m)),
                op::ADDRESS => m.push(addr_to_u256(&s.address)),
                op::BALANCE => step!(environment::balance(&mut m, journal, state)),
                op::ORIGIN => m.push(addr_to_u256(&ctx.origin)),
                op::CALLER => m.push(addr_to_u256(&s.caller)),
                op::CALLVALUE => m.push(s.value),
                op::CALLDATALOAD => environment::calldataload(&mut m, &s),
                op::CALLDATASIZE => m.push(U256::from(s.input.len())),
                op::CALLDATACOPY => step!(environment::copy(&mut m, s.input, false)),
                op::CODESIZE => m.push(U256::from(s.code_len)),
                op::CODECOPY => {
                    let code = s.code.get(..s.code_len).unwrap_or(&[]);
                    step!(environment::copy(&mut m, code, false))
                }
                op::GASPRICE => m.push(ctx.gas_price),
                op::EXTCODESIZE | op::EXTCODEHASH => {
                    let hash = opcode == op::EXTCODEHASH;
                    step!(environment::extcode_size_or_hash(
                        &mut m, &s, journal, state, hash
                    ))
                }
                op::EXTCODECOPY => step!(environment::extcodecopy(&mut m, &s, journal, state)),
                op::RETURNDATASIZE => m.push(U256::from(s.return_data.len())),
                op::RETURNDATACOPY => step!(environment::copy(&mut m, s.return_data, true)),
                op::BLOCKHASH => step!(environment::blockhash(&mut m, &s, state)),
                op::COINBASE => m.push(addr_to_u256(&ctx.block.coinbase)),
                op::TIMESTAMP => m.push(U256::from(ctx.block.timestamp)),
                op::NUMBER => m.push(U256::from(ctx.block.number)),
                op::PREVRANDAO => m.push(U256::from_be_bytes(ctx.block.prev_randao)),
                op::GASLIMIT => m.push(U256::from(ctx.block.gas_limit)),
                op::CHAINID => m.push(U256::from(ctx.block.chain_id)),
                op::SELFBALANCE => m.push(journal.account(s.account).info.balance),
                op::BASEFEE => m.push(ctx.block.base_fee),
                op::BLOBHASH => environment::blobhash(&mut m, &s),
                op::BLOBBASEFEE => m.push(ctx.blob_base_fee),
                op::POP => m.sp -= 1,
                op::MLOAD => step!(memory::mload(&mut m)),
                op::MSTORE => step!(memory::mstore(&mut m)),
                op::MSTORE8 => step!(memory::mstore8(&mut m)),
                op::SLOAD => step!(storage::sload(&mut m, &s, journal, state)),
                op::SSTORE => step!(storage::sstore(&mut m, &s, journal, state)),
                op::JUMP => step!(flow::jump(&mut m, &s)),
                op::JUMPI => step!(flow::jumpi(&mut m, &s)),
                op::PC => m.push(U256::from(m.pc - 1)),
                op::MSIZE => m.push(U256::from(m.mem_len)),
                op::GAS => m.push(U256::from(m.gas)),
                op::JUMPDEST => {}
                op::TLOAD => {
                    let k = *m.top();
                    *m.top() = journal.tload(s.account, &k);
                }
                op::TSTORE => step!(storage::tstore(&mut m, &s, journal)),
                op::MCOPY => step!(memory::mcopy(&mut m)),
                op::PUSH0 => m.push(U256::ZERO),
                op::PUSH1 => flow::push1(&mut m, &s),
                0x61..=0x7f => flow::push_n(&mut m, &s, (opcode - 0x5f) as usize),
                0x80..=0x8f => flow::dup(&mut m, (opcode - 0x7f) as usize),
                0x90..=0x9f => flow::swap(&mut m, (opcode - 0x8f) as usize),
                op::LOG0..=op::LOG4 => {
                    step!(log::log(&mut m, &s, journal, (opcode - op::LOG0) as usize))
                }
                op::CREATE => leave!(system::create(&mut m, &s, false)),
                op::CREATE2 => leave!(system::create(&mut m, &s, true)),
                op::CALL => leave!(system::call(&mut m, &s, journal, state, CallKind::Call)),
                op::CALLCODE => {
                    leave!(system::call(&mut m, &s, journal, state, CallKind::CallCode))
                }
                op::DELEGATECALL => leave!(system::call(
                    &mut m,
                    &s,
                    journal,
                    state,
                    CallKind::DelegateCall
                )),
                op::STATICCALL => leave!(system::call(
                    &mut m,
                    &s,
                    journal,
                    state,
                    CallKind::StaticCall
                )),
                op::RETURN => leave!(system::ret(&mut m, &s, ExecStatus::Success)),
                op::REVERT => leave!(system::ret(&mut m, &s, ExecStatus::Revert)),
                op::SELFDESTRUCT => leave!(system::selfdestruct(&mut m, &s, journal, state)),
                _ => break Stop::Halt(Halt::InvalidOpcode),
            }
            if hooks_on::<T>() {
                tracer.step_end(&StepEnd {
                    gas: m.gas,
                    stack: &m.stack[..m.sp],
                    refund: m.refund,
                    exit: None,
                });
            }
        };

        let action = match stop {
            // A device limit or a state error: the transaction ends here.
            Stop::Error(e) => return Err(e),
            Stop::Halt(h) => Action::Exit {
                status: ExecStatus::Halt(h),
                out_off: 0,
                out_len: 0,
            },
            Stop::Exit(a) => a,
        };
        if hooks_on::<T>() {
            tracer.step_end(&StepEnd {
                gas: m.gas,
                stack: m.stack.get(..m.sp).unwrap_or(&[]),
                refund: m.refund,
                exit: match &action {
                    Action::Exit { status, .. } => Some(*status),
                    _ => None,
                },
            });
        }
        // The straight run since the last jump (bounded by the code size).
        let run = m.pc.saturating_sub(m.seg) as u64;
        if run > m.steps {
            return Err(Error::StepBudget);
        }
        budget.steps = m.steps - run;
        f.pc = m.pc as u32;
        f.gas = m.gas;
        f.sp = m.sp as u32;
        f.mem_len = m.mem_len as u32;
        f.refund = m.refund;
        Ok(action)
    }
}

/// Which of the loop's checks failed for `opcode`: an undefined opcode, a
/// stack underflow or overflow, too little gas; or a stack beyond the arena
/// (a device limit).
#[cold]
#[inline(never)]
fn failed_check<E>(opcode: u8, check: OpCheck, sp: usize, stack_cap: usize) -> Stop<E> {
    if check.inputs == u16::MAX {
        return Stop::Halt(Halt::InvalidOpcode);
    }
    if sp < OPCODES[opcode as usize].inputs as usize {
        return Stop::Halt(Halt::StackUnderflow);
    }
    let grown = sp + check.grows as usize;
    if grown > stack_cap {
        if grown > STACK_LIMIT {
            return Stop::Halt(Halt::StackOverflow);
        }
        return Stop::Error(Error::Capacity(Resource::Stack));
    }
    Stop::Halt(Halt::OutOfGas)
}
