//! The tracer of a simulation: every call and creation, and DELEGATECALLs made by code itself reached by DELEGATECALL.

use evm_core::{Address, Step, Tracer, U256};

use super::boxed::Boxed;
use super::report::{Call, CallKind, Warning, MAX_CALLS, MAX_WARNINGS};

/// Frames the tracer follows (deeper frames are still run; a call made
/// deeper than this is a report overflow).
const MAX_FRAMES: usize = 64;

/// How the tracer sees one live frame.
#[derive(Debug, Clone, Copy)]
struct Frame {
    /// How it was entered (`None`: the transaction's own frame).
    kind: Option<CallKind>,
    /// Whose code runs (for DELEGATECALL and CALLCODE, the target's).
    code: Address,
}

/// Records calls as the transaction runs; the report reads [`CallTracer::calls`] and
/// [`CallTracer::warnings`] afterwards. A call beyond the report's capacity sets
/// [`CallTracer::overflow`] (the report is then refused, never truncated).
#[derive(Debug)]
pub struct CallTracer {
    frames: heapless::Vec<Frame, MAX_FRAMES>,
    /// The call the last step made, until its callee's first step (or the caller's next).
    pending: Option<(CallKind, Address)>,
    /// Every call made, in order, reverted frames included.
    pub calls: heapless::Vec<Call, MAX_CALLS>,
    /// Chained DELEGATECALLs seen.
    pub warnings: heapless::Vec<Warning, MAX_WARNINGS>,
    /// Set when a list was full.
    pub overflow: bool,
}

impl CallTracer {
    /// A tracer for a transaction whose frame runs the code of `code` (the recipient).
    pub fn new(code: Address) -> Self {
        let mut frames = heapless::Vec::new();
        let _ = frames.push(Frame { kind: None, code });
        Self {
            frames,
            pending: None,
            calls: heapless::Vec::new(),
            warnings: heapless::Vec::new(),
            overflow: false,
        }
    }

    /// Follows the frame stack to `depth`: a step one deeper than the top is
    /// the first of the callee of the pending call.
    fn enter(&mut self, depth: usize, address: Address) {
        let pending = self.pending.take();
        if depth >= self.frames.len() {
            let (kind, target) = match pending {
                Some((kind, target)) => (Some(kind), target),
                None => (None, address),
            };
            // A created contract's address is known only now: fill it in.
            if matches!(kind, Some(CallKind::Create | CallKind::Create2)) {
                if let Some(call) = self.calls.last_mut() {
                    call.target.get_or_insert(address);
                }
            }
            let code = match kind {
                Some(CallKind::DelegateCall | CallKind::CallCode) => target,
                _ => address,
            };
            if self.frames.push(Frame { kind, code }).is_err() {
                self.overflow = true;
            }
        } else {
            self.frames.truncate(depth + 1);
        }
    }
}

/// The tracer as the simulation holds it: on the heap (its lists take ~6 KiB).
impl Tracer for Boxed<CallTracer> {
    #[inline(always)]
    fn step(&mut self, step: &Step<'_>) {
        CallTracer::step(self, step);
    }
}

impl Tracer for CallTracer {
    fn step(&mut self, step: &Step<'_>) {
        self.enter(step.depth, step.address);
        let Some(kind) = CallKind::of(step.op) else {
            return;
        };
        let top = |i: usize| {
            step.stack
                .len()
                .checked_sub(i + 1)
                .and_then(|j| step.stack.get(j))
                .copied()
                .unwrap_or(U256::ZERO)
        };
        let word_address = |w: U256| {
            let b = w.to_be_bytes::<32>();
            let mut a = [0u8; 20];
            a.copy_from_slice(&b[12..]);
            a
        };
        let (target, value) = match kind {
            CallKind::Call | CallKind::CallCode => (Some(word_address(top(1))), top(2)),
            CallKind::DelegateCall | CallKind::StaticCall => {
                (Some(word_address(top(1))), U256::ZERO)
            }
            CallKind::Create | CallKind::Create2 => (None, top(0)),
        };
        let frame = self.frames.last().copied();
        if kind == CallKind::DelegateCall {
            if let Some(f) = frame.filter(|f| f.kind == Some(CallKind::DelegateCall)) {
                let w = Warning::ChainedDelegateCall {
                    account: step.address,
                    code: f.code,
                    target: target.unwrap_or_default(),
                };
                if self.warnings.push(w).is_err() {
                    self.overflow = true;
                }
            }
        }
        let call = Call {
            kind,
            depth: step.depth,
            from: step.address,
            target,
            value,
        };
        if self.calls.push(call).is_err() {
            self.overflow = true;
        }
        self.pending = Some((kind, target.unwrap_or_default()));
    }
}
