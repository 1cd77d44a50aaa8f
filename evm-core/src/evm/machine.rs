//! The running frame's machine (stack, memory, gas, pc, step budget) and the one memory-expansion rule.

use crate::code::CodeArena;
use crate::error::{Error, Resource};
use crate::gas;
use crate::result::Halt;
use crate::state::{u256_is_zero, Address, B256, U256};

use super::{Action, Ctx};

/// Why an instruction of the machine alone (no state) stops the loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fault {
    /// The frame halts exceptionally (an EVM result).
    Halt(Halt),
    /// The transaction's step budget is used up (a device limit).
    StepBudget,
    /// A paid memory expansion does not fit the arena (a device limit).
    Memory,
}

impl From<Halt> for Fault {
    #[inline(always)]
    fn from(h: Halt) -> Self {
        Self::Halt(h)
    }
}

/// Why the instruction loop stops: the frame halts, exits (or hands over to
/// a call or creation), or the transaction ends with an error.
#[derive(Debug)]
pub(super) enum Stop<E> {
    /// An exceptional halt.
    Halt(Halt),
    /// STOP, RETURN, REVERT, SELFDESTRUCT, a call or a creation.
    Exit(Action),
    /// An error of the whole transaction (no frame state is saved).
    Error(Error<E>),
}

impl<E> From<Halt> for Stop<E> {
    #[inline(always)]
    fn from(h: Halt) -> Self {
        Self::Halt(h)
    }
}

impl<E> From<Error<E>> for Stop<E> {
    #[inline(always)]
    fn from(e: Error<E>) -> Self {
        Self::Error(e)
    }
}

impl<E> From<Fault> for Stop<E> {
    #[inline(always)]
    fn from(f: Fault) -> Self {
        match f {
            Fault::Halt(h) => Self::Halt(h),
            Fault::StepBudget => Self::Error(Error::StepBudget),
            Fault::Memory => Self::Error(Error::Capacity(Resource::Memory)),
        }
    }
}

/// What an instruction of the machine alone yields.
pub(super) type Done = Result<(), Fault>;
/// What an instruction touching the state yields.
pub(super) type Flow<E> = Result<(), Stop<E>>;

/// The running frame's mutable state, kept in registers by the loop (every
/// method is inlined into it).
pub(super) struct Machine<'a> {
    /// This frame's stack words (at most [`crate::limits::STACK_LIMIT`]).
    pub(super) stack: &'a mut [U256],
    /// Words on the stack.
    pub(super) sp: usize,
    /// This frame's memory (the rest of the arena).
    pub(super) mem: &'a mut [u8],
    /// Bytes of memory in use (a multiple of 32).
    pub(super) mem_len: usize,
    /// Gas left.
    pub(super) gas: u64,
    /// Refund counter.
    pub(super) refund: i64,
    /// Program counter.
    pub(super) pc: usize,
    /// Steps left in the transaction's budget (`Limits::steps`).
    pub(super) steps: u64,
    /// Where the straight run since the last jump started. Code runs
    /// straight from `seg` until a JUMP/JUMPI or an exit, so the bytes of
    /// code executed are counted there as `pc - seg`: an endless loop needs a
    /// backward jump, and a straight run is bounded by the code size. The hot
    /// path pays only at jumps; copies, hashes and memory expansion count
    /// their words.
    pub(super) seg: usize,
}

/// What the running frame reads and never changes.
pub(super) struct Scope<'a, 'b> {
    /// The code, followed by [`crate::code::CODE_PADDING`] zero bytes.
    pub(super) code: &'a [u8],
    /// The code's length without the padding.
    pub(super) code_len: usize,
    /// The code's JUMPDEST bitmap.
    pub(super) jumpdests: &'a [u8],
    /// Calldata.
    pub(super) input: &'a [u8],
    /// The last call's return data.
    pub(super) return_data: &'a [u8],
    /// The code arena (EXTCODE*, delegations).
    pub(super) arena: &'a CodeArena<'b>,
    /// The transaction's and block's values.
    pub(super) ctx: &'a Ctx,
    /// The transaction's blob versioned hashes.
    pub(super) blob_hashes: &'a [B256],
    /// ADDRESS.
    pub(super) address: Address,
    /// CALLER.
    pub(super) caller: Address,
    /// CALLVALUE.
    pub(super) value: U256,
    /// Account-cache index of ADDRESS.
    pub(super) account: u32,
    /// Static context.
    pub(super) is_static: bool,
    /// This frame's first memory byte in the arena.
    pub(super) mem_base: usize,
}

impl Machine<'_> {
    /// Removes and returns the top word (the loop checked the stack's height).
    #[inline(always)]
    pub(super) fn pop(&mut self) -> U256 {
        self.sp -= 1;
        self.stack[self.sp]
    }

    /// Pushes `v` (the loop checked the room).
    #[inline(always)]
    pub(super) fn push(&mut self, v: U256) {
        self.stack[self.sp] = v;
        self.sp += 1;
    }

    /// The top word, to replace in place.
    #[inline(always)]
    pub(super) fn top(&mut self) -> &mut U256 {
        &mut self.stack[self.sp - 1]
    }

    /// Replaces the top word `x` with `f(x)` (ISZERO, NOT, CLZ).
    #[inline(always)]
    pub(super) fn unary(&mut self, f: impl FnOnce(U256) -> U256) {
        let a = self.top();
        *a = f(*a);
    }

    /// Pops `a` and replaces the next word `b` with `f(a, b)`.
    #[inline(always)]
    pub(super) fn binary(&mut self, f: impl FnOnce(U256, U256) -> U256) {
        let a = self.pop();
        let b = self.top();
        *b = f(a, *b);
    }

    /// Pops `a` and `b` and replaces the next word `n` with `f(a, b, n)`.
    #[inline(always)]
    pub(super) fn ternary(&mut self, f: impl FnOnce(U256, U256, U256) -> U256) {
        let a = self.pop();
        let b = self.pop();
        let n = self.top();
        *n = f(a, b, *n);
    }

    /// Takes `c` gas or halts out of gas.
    #[inline(always)]
    pub(super) fn charge(&mut self, c: u64) -> Done {
        if self.gas < c {
            return Err(Fault::Halt(Halt::OutOfGas));
        }
        self.gas -= c;
        Ok(())
    }

    /// Takes `n` steps of the budget or ends the transaction.
    #[inline(always)]
    pub(super) fn work(&mut self, n: u64) -> Done {
        if n > self.steps {
            return Err(Fault::StepBudget);
        }
        self.steps -= n;
        Ok(())
    }

    /// Counts the straight run since the last jump and starts a new one at `pc`.
    #[inline(always)]
    pub(super) fn end_run(&mut self) -> Done {
        self.work(self.pc.saturating_sub(self.seg) as u64)?;
        self.seg = self.pc;
        Ok(())
    }

    /// Expands memory to cover `[off, off + len)` and yields them as `usize`
    /// (`len` 0: no change). Gas first: an expansion the frame cannot pay is
    /// out of gas (an EVM result); one that is paid but does not fit the
    /// arena ends the transaction (a device limit).
    #[inline(always)]
    pub(super) fn expand(&mut self, off: &U256, len: &U256) -> Result<(usize, usize), Fault> {
        match expansion(off, len, self.mem_len, self.mem.len(), usize::MAX as u64) {
            Expansion::Fits {
                off,
                len,
                new_len,
                cost,
            } => {
                if new_len > self.mem_len {
                    self.grow(new_len, cost)?;
                }
                Ok((off, len))
            }
            Expansion::TooLarge { cost } => {
                if self.gas < cost {
                    return Err(Fault::Halt(Halt::OutOfGas));
                }
                Err(Fault::Memory)
            }
            Expansion::OutOfGas => Err(Fault::Halt(Halt::OutOfGas)),
        }
    }

    /// Grows memory to `new_len` bytes (zeroed), paying `cost` and a step a word.
    #[inline(always)]
    fn grow(&mut self, new_len: usize, cost: u64) -> Done {
        self.charge(cost)?;
        self.work(((new_len - self.mem_len) / 32) as u64)?;
        self.mem[self.mem_len..new_len].fill(0);
        self.mem_len = new_len;
        Ok(())
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
#[inline(always)]
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
        match growth(cur, end) {
            Some(g) => g,
            None => return Expansion::OutOfGas,
        }
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

/// The new length (whole words covering `end`) and the gas for growing
/// `cur` bytes to it; `None` when either overflows `u64`.
#[inline]
fn growth(cur: u64, end: u64) -> Option<(u64, u64)> {
    let words = gas::words(end);
    let new_cost = gas::memory_cost_checked(words)?;
    let new_len = words.checked_mul(32)?;
    Some((new_len, new_cost.saturating_sub(gas::memory_cost(cur / 32))))
}

/// `v` as a `u64` when it fits (DIV and MOD then skip the 256-bit long division).
#[inline(always)]
pub(super) fn small(v: &U256) -> Option<u64> {
    let l = v.as_limbs();
    (l[1] | l[2] | l[3] == 0).then_some(l[0])
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
        // Growing from 2 words to 3 costs the difference.
        assert_eq!(
            expansion(&u(64), &u(1), 64, big, U32),
            Expansion::Fits {
                off: 64,
                len: 1,
                new_len: 96,
                cost: gas::memory_cost(3) - gas::memory_cost(2)
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

    #[test]
    fn expand_charges_grows_and_zeroes() {
        let mut stack = [U256::ZERO; 4];
        let mut mem = [0xffu8; 128];
        let mut m = Machine {
            stack: &mut stack,
            sp: 0,
            mem: &mut mem,
            mem_len: 0,
            gas: 100,
            refund: 0,
            pc: 0,
            steps: 10,
            seg: 0,
        };
        assert_eq!(m.expand(&u(40), &u(8)), Ok((40, 8)));
        assert_eq!(
            (m.mem_len, m.gas, m.steps),
            (64, 100 - gas::memory_cost(2), 8)
        );
        assert!(m.mem[..64].iter().all(|&b| b == 0));
        assert_eq!(m.mem[64], 0xff);
        // Beyond the arena but paid: a capacity fault; unpaid: out of gas.
        assert_eq!(m.expand(&u(128), &u(1)), Err(Fault::Memory));
        m.gas = 0;
        assert_eq!(m.expand(&u(128), &u(1)), Err(Fault::Halt(Halt::OutOfGas)));
        assert_eq!(m.expand(&u(64), &u(1)), Err(Fault::Halt(Halt::OutOfGas)));
        // Covered already: free, even with no gas.
        assert_eq!(m.expand(&u(0), &u(64)), Ok((0, 64)));
        // The step budget counts the new words.
        m.gas = 1000;
        m.steps = 0;
        assert_eq!(m.expand(&u(64), &u(1)), Err(Fault::StepBudget));
    }
}
