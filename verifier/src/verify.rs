//! Verification of a [`Proof`]: the statement's own checks, the shape gate, then the STARK.

use alloc::vec;

use winter_air::proof::Proof as StarkProof;
use winter_crypto::hashers::Blake3_256;
use winter_crypto::{DefaultRandomCoin, MerkleTree};
use winter_math::fields::f64::BaseElement;
use winter_verifier::{AcceptableOptions, VerifierError};

use crate::air::EvmAir;
use crate::bus;
use crate::cols;
use crate::error::{Error, StarkError};
use crate::options::Options;
use crate::proof::{Proof, MAX_STARK_BYTES};
use crate::public::{AirInputs, Status};

/// The Merkle hash.
pub type Hash = Blake3_256<BaseElement>;

/// Shortest trace a proof may claim (winterfell's minimum).
pub const MIN_TRACE_LOG2: u32 = 3;
/// Longest trace a proof may claim.
pub const MAX_TRACE_LOG2: u32 = 22;

fn map(e: VerifierError) -> StarkError {
    match e {
        VerifierError::ProofDeserializationError(_) => StarkError::Deserialize,
        VerifierError::UnacceptableProofOptions
        | VerifierError::InsufficientConjecturedSecurity(..)
        | VerifierError::InsufficientProvenSecurity(..)
        | VerifierError::UnsupportedFieldExtension(_)
        | VerifierError::InconsistentBaseField => StarkError::Options,
        VerifierError::InconsistentOodConstraintEvaluations => StarkError::Constraints,
        VerifierError::TraceQueryDoesNotMatchCommitment
        | VerifierError::ConstraintQueryDoesNotMatchCommitment => StarkError::Commitment,
        VerifierError::FriVerificationFailed(_) => StarkError::Fri,
        VerifierError::QuerySeedProofOfWorkVerificationFailed => StarkError::Grinding,
        _ => StarkError::Other,
    }
}

/// The gate every STARK proof passes before the backend parses it.
///
/// SHAPE-CHECK: the single call site of `shape::check(bytes, &expected)`
/// (branch `shape`, `verifier/src/shape.rs`): until it lands, only the total
/// size cap is checked here, and a hostile proof can still reach a backend panic.
fn shape_gate(bytes: &[u8]) -> Result<(), Error> {
    if bytes.len() as u64 > MAX_STARK_BYTES {
        return Err(Error::TooLong {
            got: bytes.len() as u64,
            max: MAX_STARK_BYTES,
        });
    }
    Ok(())
}

/// Checks `proof` for the statement it carries; `Ok` means the execution is proved.
pub fn verify(proof: &Proof) -> Result<(), Error> {
    let public = &proof.public;
    if public.status != Status::Success || !public.return_data.is_empty() {
        return Err(Error::NotProvable);
    }
    public.frame_gas()?;
    if proof.counts.code.len() != public.code_table().len()
        || proof.counts.bytes.len() != 256
        || proof.counts.calldata.len() != public.calldata.len() + 1
    {
        return Err(Error::CountsShape);
    }
    shape_gate(&proof.stark)?;
    let stark =
        StarkProof::from_bytes(&proof.stark).map_err(|_| Error::Stark(StarkError::Deserialize))?;
    let info = stark.trace_info();
    let log2 = info.length().trailing_zeros();
    if info.main_trace_width() != cols::WIDTH
        || info.aux_segment_width() != bus::AUX_WIDTH
        || info.get_num_aux_segment_rand_elements() != bus::AUX_RANDS
        || !info.length().is_power_of_two()
        || !(MIN_TRACE_LOG2..=MAX_TRACE_LOG2).contains(&log2)
        || *stark.options() != Options::STANDARD.to_backend()
    {
        return Err(Error::Shape);
    }
    let inputs = AirInputs {
        public: public.clone(),
        counts: proof.counts.clone(),
    };
    let accept = AcceptableOptions::OptionSet(vec![Options::STANDARD.to_backend()]);
    winter_verifier::verify::<EvmAir, Hash, DefaultRandomCoin<Hash>, MerkleTree<Hash>>(
        stark, inputs, &accept,
    )
    .map_err(|e| Error::Stark(map(e)))
}

/// winterfell's conjectured security of a parsed proof, in bits.
pub fn security_bits(stark: &[u8]) -> Option<u32> {
    let p = StarkProof::from_bytes(stark).ok()?;
    Some(p.conjectured_security::<Hash>().bits())
}
