#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod prove;
pub mod record;
pub mod run;
pub mod trace;

use std::fmt;
use std::time::{Duration, Instant};

use evm_core::result::ExecStatus;
use verifier::public::{AirInputs, PublicInputs};
use verifier::{Options, Proof};
use winter_prover::Prover;

pub use record::Recorder;

/// Why the prover refused or failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// An executed opcode the AIR does not constrain.
    Unconstrained {
        /// Opcode.
        op: u8,
        /// Where it ran.
        pc: usize,
    },
    /// The execution entered a call frame (only depth 0 is proved).
    Calls,
    /// The execution did not end in STOP, RETURN or REVERT (halts are not proved).
    NotStopped,
    /// A step's pc is not an instruction boundary of the code.
    NotABoundary {
        /// pc.
        pc: usize,
    },
    /// The recorded stack is shallower than an instruction reads.
    StackUnderflow,
    /// The stack went over 1024.
    StackOverflow,
    /// A CALLDATALOAD offset past the end of the calldata (not provable yet).
    CalldataOffset,
    /// RETURN/REVERT of a size other than 0 or 32 bytes (not provable yet).
    ReturnData,
    /// A memory access at an offset that is not 32-byte aligned, or past
    /// `verifier::limits::MAX_MEMORY_WORDS` (not provable yet).
    MemoryOffset,
    /// The trace is longer than the verifier accepts.
    TooLong,
    /// The recorded gas disagrees with the statement (access list, refunds…).
    GasMismatch,
    /// The statement itself is not provable.
    Statement(verifier::Error),
    /// The trace breaks a constraint (a prover bug or an EVM difference).
    Constraint(verifier::air::Violation),
    /// The trace's buses do not balance (see [`check_buses`]).
    BusImbalance,
    /// The backend failed.
    Backend(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Unconstrained { op, pc } => write!(
                f,
                "opcode {op:#04x} at pc {pc} is not constrained by the AIR{}",
                verifier::opcodes::mnemonic(*op).map_or(String::new(), |m| format!(" ({m})"))
            ),
            Error::Calls => f.write_str("the execution makes calls (only depth 0 is proved)"),
            Error::NotStopped => {
                f.write_str("the execution does not end in STOP, RETURN or REVERT")
            }
            Error::NotABoundary { pc } => write!(f, "pc {pc} is not an instruction boundary"),
            Error::StackUnderflow => f.write_str("recorded stack too shallow"),
            Error::StackOverflow => f.write_str("stack over 1024"),
            Error::MemoryOffset => f.write_str(
                "memory access at an unaligned offset or past the memory limit (not provable yet)",
            ),
            Error::ReturnData => {
                f.write_str("RETURN/REVERT of other than 0 or 32 bytes (not provable yet)")
            }
            Error::CalldataOffset => {
                f.write_str("CALLDATALOAD past the end of the calldata (not provable yet)")
            }
            Error::TooLong => f.write_str("trace longer than the verifier accepts"),
            Error::GasMismatch => f.write_str("recorded gas disagrees with the statement"),
            Error::Statement(e) => write!(f, "statement: {e}"),
            Error::Constraint(v) => write!(
                f,
                "trace breaks constraint {} ({}) at row {}",
                v.index, v.label, v.row
            ),
            Error::BusImbalance => f.write_str("trace buses do not balance"),
            Error::Backend(e) => write!(f, "prover: {e}"),
        }
    }
}

impl std::error::Error for Error {}

/// Figures of one proof.
#[derive(Debug, Clone, Copy)]
pub struct Figures {
    /// Trace rows (power of two).
    pub rows: usize,
    /// Executed instructions.
    pub steps: usize,
    /// Main + auxiliary columns.
    pub columns: usize,
    /// Time to prove.
    pub prove_time: Duration,
    /// Bytes of the proof file.
    pub proof_bytes: usize,
    /// winterfell's conjectured security in bits.
    pub security_bits: u32,
}

/// Whether [`prove_recorded`] checks the trace against the constraints first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checks {
    /// Refuse a trace that breaks a constraint (the normal path).
    On,
    /// Prove whatever trace is given (tests: a bad trace must fail to verify).
    SkipForTests,
}

/// The statement of a recorded depth-0 execution.
pub fn check_recording(rec: &Recorder) -> Result<(), Error> {
    if let Some((op, pc)) = rec.unconstrained {
        return Err(Error::Unconstrained { op, pc });
    }
    if rec.deeper {
        return Err(Error::Calls);
    }
    if rec.too_long {
        return Err(Error::TooLong);
    }
    match rec.exit {
        Some(ExecStatus::Success | ExecStatus::Revert) => Ok(()),
        _ => Err(Error::NotStopped),
    }
}

/// Proves the execution `rec` recorded for `public`.
pub fn prove(public: PublicInputs, rec: &Recorder) -> Result<(Proof, Figures), Error> {
    check_recording(rec)?;
    let trace = trace::build(&public, &rec.steps, &rec.final_stack)?;
    prove_trace(public, trace, Checks::On)
}

/// Proves a built main trace (the test hook for tampered traces goes through here).
pub fn prove_trace(
    public: PublicInputs,
    trace: trace::MainTrace,
    checks: Checks,
) -> Result<(Proof, Figures), Error> {
    if !verifier::public::provable_return(&public.return_data) {
        return Err(Error::ReturnData);
    }
    if checks == Checks::On {
        verifier::air::check_main(&trace.columns).map_err(Error::Constraint)?;
        check_buses(&public, &trace)?;
    }
    let start = Instant::now();
    let rows = trace.columns.first().map_or(0, Vec::len);
    let inputs = AirInputs {
        public: public.clone(),
        counts: trace.counts.clone(),
    };
    let prover = prove::EvmProver::new(inputs, Options::STANDARD.to_backend());
    let stark = prover
        .prove(prove::EvmTrace::new(trace.columns))
        .map_err(|e| Error::Backend(e.to_string()))?;
    let security_bits = stark
        .conjectured_security::<verifier::verify::Hash>()
        .bits();
    let prove_time = start.elapsed();
    let proof = Proof {
        public,
        counts: trace.counts,
        stark: stark.to_bytes(),
    };
    let proof_bytes = proof.to_bytes().len();
    Ok((
        proof,
        Figures {
            rows,
            steps: trace.steps,
            columns: verifier::cols::WIDTH + verifier::bus::AUX_WIDTH,
            prove_time,
            proof_bytes,
            security_bits,
        },
    ))
}

/// Checks that the buses of `trace` balance for `public` under fixed test
/// challenges: the running sum ends at the verifier's table sum. A trace
/// that reads a stack value nobody wrote, or runs code the table does not
/// hold, fails here (the main constraints alone do not see it).
pub fn check_buses(public: &PublicInputs, trace: &trace::MainTrace) -> Result<(), Error> {
    use winter_prover::math::fields::f64::BaseElement;
    use winter_prover::math::fields::QuadExtension;
    use winter_prover::math::FieldElement;
    type E = QuadExtension<BaseElement>;
    let rands = [
        E::new(
            BaseElement::new(0x1234_5678_9abc_def1),
            BaseElement::new(77),
        ),
        E::new(
            BaseElement::new(0x0fed_cba9_8765_4321),
            BaseElement::new(1_000_003),
        ),
    ];
    let main = winter_prover::matrix::ColMatrix::new(trace.columns.clone());
    let aux = prove::aux_columns(&main, &rands);
    let ch = verifier::bus::Challenges::new(&rands);
    let target = verifier::public::table_sum(public, &public.code_table(), &trace.counts, &ch)
        .map_err(Error::Statement)?;
    let last = aux
        .first()
        .and_then(|c| c.last())
        .copied()
        .unwrap_or(E::ZERO);
    if last == target {
        Ok(())
    } else {
        Err(Error::BusImbalance)
    }
}
