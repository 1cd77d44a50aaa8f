//! An evm-core [`Tracer`] that records what the trace builder needs of each depth-0 step.

use evm_core::result::ExecStatus;
use evm_core::state::U256;
use evm_core::tracer::{Step, StepEnd, Tracer};

use verifier::cols::LIMBS;

/// Stack words recorded below the top (DUP16/SWAP16 reach 17 deep).
pub const DEPTH: usize = 17;

/// A 256-bit word as 16-bit limbs, least significant first.
pub type Limbs = [u64; LIMBS];

/// One executed instruction.
#[derive(Debug, Clone)]
pub struct StepRecord {
    /// pc.
    pub pc: usize,
    /// Opcode.
    pub op: u8,
    /// Gas before.
    pub gas: u64,
    /// Stack height before.
    pub sp: usize,
    /// Up to [`DEPTH`] words from the top before (index 0 = top).
    pub top: Vec<Limbs>,
    /// Top of the stack after (when the step left one).
    pub result: Option<Limbs>,
    /// Gas after.
    pub gas_after: u64,
}

/// Records depth-0 steps (bounded: it stops at the first unconstrained
/// opcode or after [`MAX_STEPS`]); notes whether any step ran in a deeper frame.
#[derive(Debug, Default)]
pub struct Recorder {
    /// Steps of the transaction's frame.
    pub steps: Vec<StepRecord>,
    /// The stack when the frame ended (bottom first), from the last step.
    pub final_stack: Vec<Limbs>,
    /// A step at depth > 0 was seen.
    pub deeper: bool,
    /// Exit status of the frame's last step.
    pub exit: Option<ExecStatus>,
    /// The first opcode the AIR does not constrain, and its pc; recording stops there.
    pub unconstrained: Option<(u8, usize)>,
    /// More steps than a trace can hold ran; recording stopped.
    pub too_long: bool,
    in_frame: bool,
}

/// Steps recorded at most (the longest trace the verifier accepts).
pub const MAX_STEPS: usize = crate::trace::MAX_ROWS;

/// Limbs of a U256.
pub fn limbs(v: &U256) -> Limbs {
    verifier::public::limbs_be(&v.to_be_bytes::<32>())
}

impl Tracer for Recorder {
    fn step(&mut self, step: &Step<'_>) {
        if step.depth != 0 {
            self.deeper = true;
            self.in_frame = false;
            return;
        }
        if self.unconstrained.is_some() || self.too_long {
            self.in_frame = false;
            return;
        }
        if verifier::opcodes::info(step.op).is_none() {
            self.unconstrained = Some((step.op, step.pc));
            self.in_frame = false;
            return;
        }
        if self.steps.len() >= MAX_STEPS {
            self.too_long = true;
            self.in_frame = false;
            return;
        }
        self.in_frame = true;
        let top = step.stack.iter().rev().take(DEPTH).map(limbs).collect();
        self.steps.push(StepRecord {
            pc: step.pc,
            op: step.op,
            gas: step.gas,
            sp: step.stack.len(),
            top,
            result: None,
            gas_after: step.gas,
        });
    }

    fn step_end(&mut self, end: &StepEnd<'_>) {
        if !self.in_frame {
            return;
        }
        if let Some(last) = self.steps.last_mut() {
            last.result = end.stack.last().map(limbs);
            last.gas_after = end.gas;
            if end.exit.is_some() {
                self.exit = end.exit;
                self.final_stack = end.stack.iter().map(limbs).collect();
            }
        }
    }
}
