//! The instruction loop: runs the top frame until it calls, creates or exits.

use super::{abs, copy_padded, ext_code, is_neg, Action, CallKind, Evm, R, SIGN};
use crate::env::TxEnv;
use crate::error::{Error, Resource};
use crate::gas;
use crate::journal::{CREATED, SELFDESTRUCTED};
use crate::limits::{self, STACK_LIMIT};
use crate::opcode::{op, OPCODES};
use crate::primitives::{addr_to_u256, as_u64_sat, keccak256, u256_to_addr};
use crate::result::{ExecStatus, Halt};
use crate::state::{u256_is_zero, State, KECCAK_EMPTY, U256};
use crate::tracer::{hooks_on, Step, StepEnd, Tracer};

impl<S: State, T: Tracer> Evm<'_, S, T> {
    /// Runs the top frame until it calls, creates or exits.
    #[allow(clippy::cognitive_complexity)]
    pub(super) fn run(&mut self, tx: &TxEnv<'_>) -> R<Action, S::Error> {
        let Self {
            state,
            tracer,
            memory,
            stack,
            code: code_arena,
            frames,
            journal,
            return_data,
            ctx,
            budget,
            ..
        } = self;
        let Some(f) = frames.last_mut() else {
            return Err(Error::Capacity(Resource::Frames));
        };
        let code = code_arena.padded(f.code);
        let code_len = f.code.len as usize;
        let jumpdests = code_arena.jumpdests(f.code);
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
        let stack = &mut stack[sb..st_end];
        let stack_cap = stack.len();
        let mut pc = f.pc as usize;
        let mut gas = f.gas;
        let mut sp = f.sp as usize;
        let mut mem_len = f.mem_len as usize;
        let mut refund = f.refund;
        let is_static = f.is_static;
        let account = f.account;
        // Step budget (`Limits::steps`). Code runs straight from `seg` until a
        // JUMP/JUMPI or an exit, so the bytes of code executed are counted
        // there as `pc - seg`: an endless loop needs a backward jump, and a
        // straight run is bounded by the code size. The hot path pays only
        // at jumps; copies, hashes and memory expansion count their words.
        let mut steps = budget.steps;
        let mut seg = pc;
        // The fork's instruction checks, chosen once per frame run.
        let checks = ctx.spec.checks();

        macro_rules! exit {
            ($action:expr) => {{
                let action = $action;
                if hooks_on::<T>() {
                    tracer.step_end(&StepEnd {
                        gas,
                        stack: stack.get(..sp).unwrap_or(&[]),
                        refund,
                        exit: match &action {
                            Action::Exit { status, .. } => Some(*status),
                            _ => None,
                        },
                    });
                }
                // The straight run since the last jump (bounded by the code size).
                let run = pc.saturating_sub(seg) as u64;
                if run > steps {
                    return Err(Error::StepBudget);
                }
                budget.steps = steps - run;
                f.pc = pc as u32;
                f.gas = gas;
                f.sp = sp as u32;
                f.mem_len = mem_len as u32;
                f.refund = refund;
                return Ok(action);
            }};
        }
        macro_rules! halt {
            ($h:expr) => {
                exit!(Action::Exit {
                    status: ExecStatus::Halt($h),
                    out_off: 0,
                    out_len: 0
                })
            };
        }
        macro_rules! charge {
            ($c:expr) => {{
                let c: u64 = $c;
                if gas < c {
                    halt!(Halt::OutOfGas);
                }
                gas -= c;
            }};
        }
        macro_rules! pop {
            () => {{
                sp -= 1;
                stack[sp]
            }};
        }
        macro_rules! push {
            ($v:expr) => {{
                stack[sp] = $v;
                sp += 1;
            }};
        }
        macro_rules! top {
            () => {
                stack[sp - 1]
            };
        }
        // Takes `n` steps of the budget or ends the transaction.
        macro_rules! work {
            ($n:expr) => {{
                let n: u64 = $n;
                if n > steps {
                    return Err(Error::StepBudget);
                }
                steps -= n;
            }};
        }
        // Expands memory to cover [off, off+len); yields (off, len) as usize (len 0 → no change).
        // Gas first: an expansion the frame cannot pay is OutOfGas (an EVM result); one that is
        // paid but does not fit the arena ends the transaction (a device limit).
        macro_rules! expand {
            ($off:expr, $len:expr) => {{
                let off: U256 = $off;
                let len: U256 = $len;
                match expansion(&off, &len, mem_len, mem.len(), usize::MAX as u64) {
                    Expansion::Fits {
                        off,
                        len,
                        new_len,
                        cost,
                    } => {
                        if new_len > mem_len {
                            charge!(cost);
                            work!(((new_len - mem_len) / 32) as u64);
                            mem[mem_len..new_len].fill(0);
                            mem_len = new_len;
                        }
                        (off, len)
                    }
                    Expansion::TooLarge { cost } => {
                        if gas < cost {
                            halt!(Halt::OutOfGas);
                        }
                        return Err(Error::Capacity(Resource::Memory));
                    }
                    Expansion::OutOfGas => halt!(Halt::OutOfGas),
                }
            }};
        }

        loop {
            let opcode = code.get(pc).copied().unwrap_or(op::STOP);
            let check = checks[opcode as usize];
            if hooks_on::<T>() {
                tracer.step(&Step {
                    pc,
                    op: opcode,
                    gas,
                    depth: f.depth as usize,
                    address: f.address,
                    stack: &stack[..sp],
                    memory: &mem[..mem_len],
                    refund,
                    return_data: return_data.as_slice(),
                });
            }
            // The three checks in one condition (off the common path); the slow path
            // finds which failed.
            if (sp < check.inputs as usize)
                | (sp + check.grows as usize > stack_cap)
                | (gas < u64::from(check.gas))
            {
                let info = &OPCODES[opcode as usize];
                if check.inputs == u16::MAX {
                    halt!(Halt::InvalidOpcode);
                }
                if sp < info.inputs as usize {
                    halt!(Halt::StackUnderflow);
                }
                if sp + check.grows as usize > stack_cap {
                    if sp + check.grows as usize > STACK_LIMIT {
                        halt!(Halt::StackOverflow);
                    }
                    return Err(Error::Capacity(Resource::Stack));
                }
                halt!(Halt::OutOfGas);
            }
            gas -= u64::from(check.gas);
            pc += 1;
            match opcode {
                op::STOP => exit!(Action::Exit {
                    status: ExecStatus::Success,
                    out_off: 0,
                    out_len: 0
                }),
                op::ADD => {
                    let a = pop!();
                    let b = top!();
                    top!() = a.wrapping_add(b);
                }
                op::MUL => {
                    let a = pop!();
                    let b = top!();
                    top!() = a.wrapping_mul(b);
                }
                op::SUB => {
                    let a = pop!();
                    let b = top!();
                    top!() = a.wrapping_sub(b);
                }
                op::DIV => {
                    let a = pop!();
                    let b = top!();
                    top!() = match (small(&a), small(&b)) {
                        (Some(x), Some(y)) => U256::from(x.checked_div(y).unwrap_or(0)),
                        _ => a.checked_div(b).unwrap_or(U256::ZERO),
                    };
                }
                op::SDIV => {
                    let a = pop!();
                    let b = top!();
                    top!() = if u256_is_zero(&b) {
                        U256::ZERO
                    } else {
                        let q = abs(a) / abs(b);
                        if is_neg(&a) != is_neg(&b) {
                            q.wrapping_neg()
                        } else {
                            q
                        }
                    };
                }
                op::MOD => {
                    let a = pop!();
                    let b = top!();
                    top!() = match (small(&a), small(&b)) {
                        (Some(x), Some(y)) => U256::from(x.checked_rem(y).unwrap_or(0)),
                        _ => a.checked_rem(b).unwrap_or(U256::ZERO),
                    };
                }
                op::SMOD => {
                    let a = pop!();
                    let b = top!();
                    top!() = if u256_is_zero(&b) {
                        U256::ZERO
                    } else {
                        let r = abs(a) % abs(b);
                        if is_neg(&a) {
                            r.wrapping_neg()
                        } else {
                            r
                        }
                    };
                }
                op::ADDMOD => {
                    let a = pop!();
                    let b = pop!();
                    let n = top!();
                    top!() = a.add_mod(b, n);
                }
                op::MULMOD => {
                    let a = pop!();
                    let b = pop!();
                    let n = top!();
                    top!() = a.mul_mod(b, n);
                }
                op::EXP => {
                    let a = pop!();
                    let e = top!();
                    let bytes = e.bit_len().div_ceil(8) as u64;
                    charge!(gas::EXP_BYTE * bytes);
                    top!() = a.wrapping_pow(e);
                }
                op::SIGNEXTEND => {
                    let b = pop!();
                    let x = top!();
                    if b < U256::from(31) {
                        let bit = as_u64_sat(&b) as usize * 8 + 7;
                        let mask = (U256::from(1) << bit) - U256::from(1);
                        top!() = if x.bit(bit) { x | !mask } else { x & mask };
                    }
                }
                op::LT => {
                    let a = pop!();
                    let b = top!();
                    top!() = U256::from((a < b) as u8);
                }
                op::GT => {
                    let a = pop!();
                    let b = top!();
                    top!() = U256::from((a > b) as u8);
                }
                op::SLT => {
                    let a = pop!();
                    let b = top!();
                    top!() = U256::from(((a ^ SIGN) < (b ^ SIGN)) as u8);
                }
                op::SGT => {
                    let a = pop!();
                    let b = top!();
                    top!() = U256::from(((a ^ SIGN) > (b ^ SIGN)) as u8);
                }
                op::EQ => {
                    let a = pop!();
                    let b = top!();
                    top!() = U256::from(crate::state::u256_eq(&a, &b) as u8);
                }
                op::ISZERO => {
                    let a = top!();
                    top!() = U256::from(u256_is_zero(&a) as u8);
                }
                op::AND => {
                    let a = pop!();
                    let b = top!();
                    top!() = a & b;
                }
                op::OR => {
                    let a = pop!();
                    let b = top!();
                    top!() = a | b;
                }
                op::XOR => {
                    let a = pop!();
                    let b = top!();
                    top!() = a ^ b;
                }
                op::NOT => {
                    let a = top!();
                    top!() = !a;
                }
                op::BYTE => {
                    let i = pop!();
                    let x = top!();
                    top!() = if i < U256::from(32) {
                        U256::from(x.byte(31 - as_u64_sat(&i) as usize))
                    } else {
                        U256::ZERO
                    };
                }
                op::SHL => {
                    let s = pop!();
                    let x = top!();
                    top!() = if s < U256::from(256) {
                        x << (as_u64_sat(&s) as usize)
                    } else {
                        U256::ZERO
                    };
                }
                op::SHR => {
                    let s = pop!();
                    let x = top!();
                    top!() = if s < U256::from(256) {
                        x >> (as_u64_sat(&s) as usize)
                    } else {
                        U256::ZERO
                    };
                }
                op::SAR => {
                    let s = pop!();
                    let x = top!();
                    let neg = is_neg(&x);
                    top!() = if s < U256::from(256) {
                        let s = as_u64_sat(&s) as usize;
                        if neg {
                            !((!x) >> s)
                        } else {
                            x >> s
                        }
                    } else if neg {
                        U256::MAX
                    } else {
                        U256::ZERO
                    };
                }
                op::CLZ => {
                    // Only reachable from Osaka on (undefined in older checks).
                    top!() = U256::from(top!().leading_zeros());
                }
                op::KECCAK256 => {
                    let off = pop!();
                    let len = top!();
                    charge!(gas::KECCAK_WORD.saturating_mul(gas::words(as_u64_sat(&len))));
                    let (o, l) = expand!(off, len);
                    work!(gas::words(l as u64));
                    top!() = U256::from_be_bytes(keccak256(&mem[o..o + l]));
                }
                op::ADDRESS => push!(addr_to_u256(&f.address)),
                op::BALANCE => {
                    let a = u256_to_addr(&top!());
                    let (i, cold) = journal.access(state, &a)?;
                    charge!(if cold {
                        gas::COLD_ACCOUNT_ACCESS
                    } else {
                        gas::WARM_ACCESS
                    });
                    top!() = journal.account(i).info.balance;
                }
                op::ORIGIN => push!(addr_to_u256(&ctx.origin)),
                op::CALLER => push!(addr_to_u256(&f.caller)),
                op::CALLVALUE => push!(f.value),
                op::CALLDATALOAD => {
                    let off = top!();
                    let mut w = [0u8; 32];
                    copy_padded(&mut w, input, as_u64_sat(&off));
                    top!() = U256::from_be_bytes(w);
                }
                op::CALLDATASIZE => push!(U256::from(input.len())),
                op::CALLDATACOPY | op::CODECOPY | op::RETURNDATACOPY => {
                    let dst = pop!();
                    let src = pop!();
                    let len = pop!();
                    if opcode == op::RETURNDATACOPY {
                        let s = as_u64_sat(&src);
                        let l = as_u64_sat(&len);
                        if s.saturating_add(l) > return_data.len() as u64 {
                            halt!(Halt::ReturnDataOutOfBounds);
                        }
                    }
                    charge!(gas::copy_cost(as_u64_sat(&len)));
                    let (o, l) = expand!(dst, len);
                    work!(gas::words(l as u64));
                    if l > 0 {
                        let source: &[u8] = match opcode {
                            op::CALLDATACOPY => input,
                            op::CODECOPY => code.get(..code_len).unwrap_or(&[]),
                            _ => return_data.as_slice(),
                        };
                        copy_padded(&mut mem[o..o + l], source, as_u64_sat(&src));
                    }
                }
                op::CODESIZE => push!(U256::from(code_len)),
                op::GASPRICE => push!(ctx.gas_price),
                op::EXTCODESIZE | op::EXTCODEHASH => {
                    let a = u256_to_addr(&top!());
                    let (i, cold) = journal.access(state, &a)?;
                    charge!(if cold {
                        gas::COLD_ACCOUNT_ACCESS
                    } else {
                        gas::WARM_ACCESS
                    });
                    let acct = journal.account(i);
                    top!() = if opcode == op::EXTCODESIZE {
                        U256::from(ext_code(state, code_arena, acct)?.len())
                    } else if acct.info.is_empty() {
                        U256::ZERO
                    } else {
                        U256::from_be_bytes(acct.info.code_hash)
                    };
                }
                op::EXTCODECOPY => {
                    let a = u256_to_addr(&pop!());
                    let dst = pop!();
                    let src = pop!();
                    let len = pop!();
                    let (i, cold) = journal.access(state, &a)?;
                    charge!(if cold {
                        gas::COLD_ACCOUNT_ACCESS
                    } else {
                        gas::WARM_ACCESS
                    });
                    charge!(gas::copy_cost(as_u64_sat(&len)));
                    let (o, l) = expand!(dst, len);
                    work!(gas::words(l as u64));
                    if l > 0 {
                        let c = ext_code(state, code_arena, journal.account(i))?;
                        copy_padded(&mut mem[o..o + l], c, as_u64_sat(&src));
                    }
                }
                op::RETURNDATASIZE => push!(U256::from(return_data.len())),
                op::BLOCKHASH => {
                    let n = top!();
                    let cur = ctx.block.number;
                    let n64 = as_u64_sat(&n);
                    top!() = if n64 < cur && cur - n64 <= 256 {
                        U256::from_be_bytes(state.block_hash(n64).map_err(Error::State)?)
                    } else {
                        U256::ZERO
                    };
                }
                op::COINBASE => push!(addr_to_u256(&ctx.block.coinbase)),
                op::TIMESTAMP => push!(U256::from(ctx.block.timestamp)),
                op::NUMBER => push!(U256::from(ctx.block.number)),
                op::PREVRANDAO => push!(U256::from_be_bytes(ctx.block.prev_randao)),
                op::GASLIMIT => push!(U256::from(ctx.block.gas_limit)),
                op::CHAINID => push!(U256::from(ctx.block.chain_id)),
                op::SELFBALANCE => push!(journal.account(account).info.balance),
                op::BASEFEE => push!(ctx.block.base_fee),
                op::BLOBHASH => {
                    let i = as_u64_sat(&top!());
                    top!() = usize::try_from(i)
                        .ok()
                        .and_then(|i| tx.blob_hashes.get(i))
                        .map_or(U256::ZERO, |h| U256::from_be_bytes(*h));
                }
                op::BLOBBASEFEE => push!(ctx.blob_base_fee),
                op::POP => sp -= 1,
                op::MLOAD => {
                    let off = top!();
                    let (o, _) = expand!(off, U256::from(32));
                    let mut w = [0u8; 32];
                    w.copy_from_slice(&mem[o..o + 32]);
                    top!() = U256::from_be_bytes(w);
                }
                op::MSTORE => {
                    let off = pop!();
                    let v = pop!();
                    let (o, _) = expand!(off, U256::from(32));
                    mem[o..o + 32].copy_from_slice(&v.to_be_bytes::<32>());
                }
                op::MSTORE8 => {
                    let off = pop!();
                    let v = pop!();
                    let (o, _) = expand!(off, U256::from(1));
                    mem[o] = v.byte(0);
                }
                op::SLOAD => {
                    let k = top!();
                    let (v, cold) = journal.sload(state, account, &k)?;
                    charge!(if cold {
                        gas::COLD_SLOAD
                    } else {
                        gas::WARM_ACCESS
                    });
                    top!() = v;
                }
                op::SSTORE => {
                    if is_static {
                        halt!(Halt::StaticViolation);
                    }
                    if gas <= gas::SSTORE_SENTRY {
                        halt!(Halt::OutOfGas);
                    }
                    let k = pop!();
                    let v = pop!();
                    let s = journal.sstore(state, account, &k, v)?;
                    let mut cost = if s.cold { gas::COLD_SLOAD } else { 0 };
                    if s.current == v {
                        cost += gas::WARM_ACCESS;
                    } else if s.original == s.current {
                        if u256_is_zero(&s.original) {
                            cost += gas::SSTORE_SET;
                        } else {
                            cost += gas::SSTORE_RESET;
                            if u256_is_zero(&v) {
                                refund += gas::SSTORE_CLEARS_REFUND;
                            }
                        }
                    } else {
                        cost += gas::WARM_ACCESS;
                        if !u256_is_zero(&s.original) {
                            if u256_is_zero(&s.current) {
                                refund -= gas::SSTORE_CLEARS_REFUND;
                            } else if u256_is_zero(&v) {
                                refund += gas::SSTORE_CLEARS_REFUND;
                            }
                        }
                        if s.original == v {
                            if u256_is_zero(&s.original) {
                                refund += (gas::SSTORE_SET - gas::WARM_ACCESS) as i64;
                            } else {
                                refund += (gas::SSTORE_RESET - gas::WARM_ACCESS) as i64;
                            }
                        }
                    }
                    charge!(cost);
                }
                op::JUMP => {
                    let d = pop!();
                    work!(pc.saturating_sub(seg) as u64);
                    seg = pc;
                    match jump_target(jumpdests, &d) {
                        Some(d) => {
                            pc = d;
                            seg = d;
                        }
                        None => halt!(Halt::InvalidJump),
                    }
                }
                op::JUMPI => {
                    let d = pop!();
                    let c = pop!();
                    work!(pc.saturating_sub(seg) as u64);
                    seg = pc;
                    if !u256_is_zero(&c) {
                        match jump_target(jumpdests, &d) {
                            Some(d) => {
                                pc = d;
                                seg = d;
                            }
                            None => halt!(Halt::InvalidJump),
                        }
                    }
                }
                op::PC => push!(U256::from(pc - 1)),
                op::MSIZE => push!(U256::from(mem_len)),
                op::GAS => push!(U256::from(gas)),
                op::JUMPDEST => {}
                op::TLOAD => {
                    let k = top!();
                    top!() = journal.tload(account, &k);
                }
                op::TSTORE => {
                    if is_static {
                        halt!(Halt::StaticViolation);
                    }
                    let k = pop!();
                    let v = pop!();
                    journal.tstore(account, &k, v)?;
                }
                op::MCOPY => {
                    let dst = pop!();
                    let src = pop!();
                    let len = pop!();
                    charge!(gas::copy_cost(as_u64_sat(&len)));
                    if !u256_is_zero(&len) {
                        let end = if dst > src { dst } else { src };
                        let (e, l) = expand!(end, len);
                        work!(gas::words(l as u64));
                        // Both offsets are at most `end`, which fits memory.
                        let (d, s) = if dst > src {
                            (e, usize::try_from(as_u64_sat(&src)).unwrap_or(e))
                        } else {
                            (usize::try_from(as_u64_sat(&dst)).unwrap_or(e), e)
                        };
                        mem.copy_within(s..s + l, d);
                    }
                }
                op::PUSH0 => push!(U256::ZERO),
                op::PUSH1 => {
                    push!(U256::from(code.get(pc).copied().unwrap_or(0)));
                    pc += 1;
                }
                0x61..=0x7f => {
                    let n = (opcode - 0x5f) as usize;
                    push!(push_value(code, pc, n));
                    pc += n;
                }
                0x80..=0x8f => {
                    let n = (opcode - 0x7f) as usize;
                    let v = stack[sp - n];
                    push!(v);
                }
                0x90..=0x9f => {
                    let n = (opcode - 0x8f) as usize;
                    stack.swap(sp - 1, sp - 1 - n);
                }
                op::LOG0..=op::LOG4 => {
                    if is_static {
                        halt!(Halt::StaticViolation);
                    }
                    let n = (opcode - op::LOG0) as usize;
                    let off = pop!();
                    let len = pop!();
                    charge!(gas::LOG_DATA.saturating_mul(as_u64_sat(&len)));
                    let (o, l) = expand!(off, len);
                    work!(gas::words(l as u64));
                    let mut topics = [[0u8; 32]; 4];
                    for t in topics.iter_mut().take(n) {
                        *t = pop!().to_be_bytes::<32>();
                    }
                    journal.log(f.address, &topics[..n], &mem[o..o + l])?;
                }
                op::CREATE | op::CREATE2 => {
                    if is_static {
                        halt!(Halt::StaticViolation);
                    }
                    let value = pop!();
                    let off = pop!();
                    let len = pop!();
                    let salt = if opcode == op::CREATE2 {
                        Some(pop!())
                    } else {
                        None
                    };
                    let l64 = as_u64_sat(&len);
                    if l64 > limits::MAX_INITCODE_SIZE as u64 {
                        halt!(Halt::InitcodeSizeLimit);
                    }
                    let w = gas::words(l64);
                    charge!(gas::INITCODE_WORD * w);
                    if salt.is_some() {
                        charge!(gas::KECCAK_WORD * w);
                    }
                    let (o, l) = expand!(off, len);
                    let child_gas = gas - gas / 64;
                    gas -= child_gas;
                    exit!(Action::Create {
                        value,
                        init_off: mem_base + o,
                        init_len: l,
                        salt,
                        gas: child_gas,
                    });
                }
                op::CALL | op::CALLCODE | op::DELEGATECALL | op::STATICCALL => {
                    let gas_arg = pop!();
                    let target = u256_to_addr(&pop!());
                    let value = if opcode == op::CALL || opcode == op::CALLCODE {
                        pop!()
                    } else {
                        U256::ZERO
                    };
                    let in_off = pop!();
                    let in_len = pop!();
                    let out_off = pop!();
                    let out_len = pop!();
                    if opcode == op::CALL && is_static && !u256_is_zero(&value) {
                        halt!(Halt::StaticViolation);
                    }
                    let (io, il) = expand!(in_off, in_len);
                    let (oo, ol) = expand!(out_off, out_len);
                    let (ti, cold) = journal.access(state, &target)?;
                    let mut cost = if cold {
                        gas::COLD_ACCOUNT_ACCESS
                    } else {
                        gas::WARM_ACCESS
                    };
                    // EIP-7702: a delegated target runs its delegate's code; the
                    // delegate is accessed (warm or cold) by the caller.
                    let mut code_address = target;
                    let mut delegated = false;
                    if ctx.spec.is_prague() {
                        let acct = journal.account(ti);
                        if acct.info.code_hash != KECCAK_EMPTY {
                            let code = ext_code(state, code_arena, acct)?;
                            if let Some(d) = super::authorization::delegation_target(code) {
                                let (_, dcold) = journal.access(state, &d)?;
                                cost += if dcold {
                                    gas::COLD_ACCOUNT_ACCESS
                                } else {
                                    gas::WARM_ACCESS
                                };
                                code_address = d;
                                delegated = true;
                            }
                        }
                    }
                    if !u256_is_zero(&value) {
                        cost += gas::CALL_VALUE;
                        if opcode == op::CALL && journal.account(ti).info.is_empty() {
                            cost += gas::NEW_ACCOUNT;
                        }
                    }
                    charge!(cost);
                    let avail = gas - gas / 64;
                    let mut child_gas = as_u64_sat(&gas_arg).min(avail);
                    gas -= child_gas;
                    if !u256_is_zero(&value) {
                        child_gas += gas::CALL_STIPEND;
                    }
                    let kind = match opcode {
                        op::CALL => CallKind::Call,
                        op::CALLCODE => CallKind::CallCode,
                        op::DELEGATECALL => CallKind::DelegateCall,
                        _ => CallKind::StaticCall,
                    };
                    exit!(Action::Call {
                        kind,
                        gas: child_gas,
                        target,
                        code_address,
                        delegated,
                        value,
                        in_off: mem_base + io,
                        in_len: il,
                        ret_off: oo,
                        ret_len: ol,
                    });
                }
                op::RETURN | op::REVERT => {
                    let off = pop!();
                    let len = pop!();
                    let (o, l) = expand!(off, len);
                    exit!(Action::Exit {
                        status: if opcode == op::RETURN {
                            ExecStatus::Success
                        } else {
                            ExecStatus::Revert
                        },
                        out_off: mem_base + o,
                        out_len: l,
                    });
                }
                op::SELFDESTRUCT => {
                    if is_static {
                        halt!(Halt::StaticViolation);
                    }
                    let target = u256_to_addr(&pop!());
                    let (ti, cold) = journal.access(state, &target)?;
                    if cold {
                        charge!(gas::COLD_ACCOUNT_ACCESS);
                    }
                    let balance = journal.account(account).info.balance;
                    if !u256_is_zero(&balance) && journal.account(ti).info.is_empty() {
                        charge!(gas::NEW_ACCOUNT);
                    }
                    let created = journal.account(account).flags & CREATED != 0;
                    if ti != account {
                        let tb = journal.account(ti).info.balance;
                        journal.set_balance(ti, tb.saturating_add(balance))?;
                        journal.set_balance(account, U256::ZERO)?;
                    } else if created {
                        journal.set_balance(account, U256::ZERO)?;
                    }
                    if created {
                        journal.set_flags(account, SELFDESTRUCTED)?;
                    }
                    exit!(Action::Exit {
                        status: ExecStatus::Success,
                        out_off: 0,
                        out_len: 0
                    });
                }
                _ => halt!(Halt::InvalidOpcode),
            }
            if hooks_on::<T>() {
                tracer.step_end(&StepEnd {
                    gas,
                    stack: &stack[..sp],
                    refund,
                    exit: None,
                });
            }
        }
    }
}

/// What a memory access `[off, off + len)` needs, decided in `u64` before
/// any conversion to `usize` (which is 32 bits on the device).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expansion {
    /// The range fits the arena: charge `cost`, memory becomes `new_len`
    /// bytes (unchanged when it already covers the range).
    Fits {
        off: usize,
        len: usize,
        new_len: usize,
        cost: u64,
    },
    /// Charge `cost`; when it is paid, the range lies beyond the arena or
    /// beyond `usize`: a device capacity error.
    TooLarge { cost: u64 },
    /// The expansion costs more gas than a `u64` holds.
    OutOfGas,
}

/// The one memory-expansion rule: `off + len` in `u64` (checked, from the
/// `U256` operands), the gas for growing `mem_len` bytes of memory to cover
/// it (checked), and only then the conversion to `usize` against the arena
/// (`arena` bytes) and the address space (`max_usize`, `usize::MAX` of the
/// target; a parameter so that host tests check the 32-bit boundary). A zero
/// `len` touches nothing, whatever `off`.
pub(crate) fn expansion(
    off: &U256,
    len: &U256,
    mem_len: usize,
    arena: usize,
    max_usize: u64,
) -> Expansion {
    if u256_is_zero(len) {
        return Expansion::Fits {
            off: 0,
            len: 0,
            new_len: mem_len,
            cost: 0,
        };
    }
    let (Some(o), Some(l)) = (small(off), small(len)) else {
        return Expansion::OutOfGas;
    };
    let Some(end) = o.checked_add(l) else {
        return Expansion::OutOfGas;
    };
    let cur = mem_len as u64;
    let (new_len, cost) = if end <= cur {
        (cur, 0)
    } else {
        let words = gas::words(end);
        let Some(new_cost) = gas::memory_cost_checked(words) else {
            return Expansion::OutOfGas;
        };
        let Some(new_len) = words.checked_mul(32) else {
            return Expansion::OutOfGas;
        };
        (new_len, new_cost.saturating_sub(gas::memory_cost(cur / 32)))
    };
    if new_len > arena as u64 || new_len > max_usize {
        return Expansion::TooLarge { cost };
    }
    // o, l ≤ end ≤ new_len ≤ max_usize.
    match (
        usize::try_from(o),
        usize::try_from(l),
        usize::try_from(new_len),
    ) {
        (Ok(off), Ok(len), Ok(new_len)) => Expansion::Fits {
            off,
            len,
            new_len,
            cost,
        },
        _ => Expansion::TooLarge { cost },
    }
}

/// `v` as a `u64` when it fits (DIV and MOD then skip the 256-bit long division).
#[inline(always)]
fn small(v: &U256) -> Option<u64> {
    let l = v.as_limbs();
    (l[1] | l[2] | l[3] == 0).then_some(l[0])
}

/// The destination `d` when it is a JUMPDEST (bit `d` of the code's bitmap).
#[inline(always)]
fn jump_target(jumpdests: &[u8], d: &U256) -> Option<usize> {
    let d = usize::try_from(as_u64_sat(d)).ok()?;
    let byte = *jumpdests.get(d / 8)?;
    (byte & (1 << (d % 8)) != 0).then_some(d)
}

/// The big-endian value of the `n` (2..=32) immediate bytes at `code[pc..]`,
/// read without an intermediate buffer. `code` carries [`crate::code::CODE_PADDING`] zero
/// bytes after its end, so `pc + 32` is in bounds for every push the loop
/// reaches; the fallbacks only keep the function total.
#[inline(always)]
fn push_value(code: &[u8], pc: usize, n: usize) -> U256 {
    if n <= 8 {
        let w: [u8; 8] = code
            .get(pc..pc + 8)
            .and_then(|s| s.try_into().ok())
            .unwrap_or([0; 8]);
        return U256::from(u64::from_be_bytes(w) >> (64 - 8 * n));
    }
    let w: [u8; 32] = code
        .get(pc..pc + 32)
        .and_then(|s| s.try_into().ok())
        .unwrap_or([0; 32]);
    let v = U256::from_be_bytes(w);
    if n == 32 {
        v
    } else {
        v >> (256 - 8 * n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const U32: u64 = u32::MAX as u64;

    fn u(v: u64) -> U256 {
        U256::from(v)
    }

    #[test]
    fn expansion_decides_in_u64_before_usize() {
        let big = usize::MAX;
        // In range, growing from empty: cost of the new words.
        assert_eq!(
            expansion(&u(0), &u(33), 0, big, U32),
            Expansion::Fits {
                off: 0,
                len: 33,
                new_len: 64,
                cost: gas::memory_cost(2)
            }
        );
        // Zero length touches nothing, whatever the offset.
        assert_eq!(
            expansion(&U256::MAX, &u(0), 64, big, U32),
            Expansion::Fits {
                off: 0,
                len: 0,
                new_len: 64,
                cost: 0
            }
        );
        // Already covered: free.
        assert_eq!(
            expansion(&u(32), &u(32), 64, big, U32),
            Expansion::Fits {
                off: 32,
                len: 32,
                new_len: 64,
                cost: 0
            }
        );
        // The 32-bit boundary: end 2^32 + 32 (PUSH1 0x21 PUSH4 0xffffffff KECCAK256)
        // is paid with 2^46 gas but beyond a 32-bit usize (it used to wrap to 32),
        // and beyond any arena of a 64-bit host too.
        let cost = gas::memory_cost((1 << 27) + 1);
        assert!(cost < 1 << 46);
        let wrap = expansion(&u(U32), &u(0x21), 0, big, U32);
        assert_eq!(wrap, Expansion::TooLarge { cost });
        assert_eq!(
            expansion(&u(U32), &u(0x21), 0, 1 << 20, u64::MAX),
            Expansion::TooLarge { cost }
        );
        // Just below 2^32 fits a 32-bit usize; exactly 2^32 does not.
        assert!(matches!(
            expansion(&u(U32 - 63), &u(32), 0, big, U32),
            Expansion::Fits {
                new_len: 0xffff_ffe0,
                ..
            }
        ));
        assert!(matches!(
            expansion(&u(U32 - 31), &u(32), 0, big, U32),
            Expansion::TooLarge { .. }
        ));
        // The 64-bit boundary: offset + length overflows u64, or an operand
        // exceeds it, or the cost does: out of gas (never a wrapped end).
        for (o, l) in [
            (u(u64::MAX), u(1)),
            (u(1), u(u64::MAX)),
            (U256::from(1u128 << 64), u(1)),
            (u(0), U256::from(1u128 << 64)),
            (u(u64::MAX - 31), u(1)),
            (u(1 << 45), u(1)),
        ] {
            assert_eq!(
                expansion(&o, &l, 0, big, u64::MAX),
                Expansion::OutOfGas,
                "{o} {l}"
            );
        }
        // Around 2^36 bytes the cost still fits u64 (≈ 2^53): a capacity question.
        assert!(matches!(
            expansion(&u(1 << 36), &u(1), 0, big, U32),
            Expansion::TooLarge { .. }
        ));
    }
}
