//! Verification of a [`Proof`]: the statement's own checks, the shape gate, then the STARK.

use alloc::vec;

use winter_air::proof::Proof as StarkProof;
use winter_crypto::hashers::Blake3_256;
use winter_crypto::{DefaultRandomCoin, MerkleTree};
use winter_math::fields::f64::BaseElement;
use winter_verifier::{AcceptableOptions, VerifierError};

use winter_air::{AirContext, TraceInfo, TransitionConstraintDegree};

use crate::air::{self, EvmAir};
use crate::bus;
use crate::cols;
use crate::error::{Error, StarkError};
use crate::options::Options;
use crate::proof::Proof;
use crate::public::{AirInputs, Counts, PublicInputs};
use crate::shape::{self, ExpectedShape, GOLDILOCKS_MODULUS_LE};

/// The Merkle hash.
pub type Hash = Blake3_256<BaseElement>;

/// Shortest trace a proof may claim: 2^4 rows, the shortest at which the
/// degree-9 byte helpers (AND/OR/XOR) need the same 8 composition columns
/// as every longer trace (at 2^3 winterfell would use 7).
pub const MIN_TRACE_LOG2: u32 = 4;
/// Longest trace a proof may claim (the shape check's bound).
pub const MAX_TRACE_LOG2: u32 = crate::limits::MAX_TRACE_LENGTH_LOG2 as u32;

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

/// The shape every proof of [`EvmAir`] at [`Options::STANDARD`] has, for
/// [`shape::check`]: the exact option set, the AIR's widths, constraint count
/// and composition columns, the accepted trace lengths.
pub fn expected_shape() -> Result<ExpectedShape, Error> {
    let (main, aux) = air::degrees();
    let probe = TraceInfo::new_multi_segment(
        cols::WIDTH,
        bus::AUX_WIDTH,
        bus::AUX_RANDS,
        1 << MIN_TRACE_LOG2,
        vec![],
    );
    let context = AirContext::<BaseElement>::new_multi_segment(
        probe,
        main.iter()
            .copied()
            .map(TransitionConstraintDegree::new)
            .collect(),
        aux.iter()
            .copied()
            .map(TransitionConstraintDegree::new)
            .collect(),
        air::MAIN_ASSERTIONS,
        air::AUX_ASSERTIONS,
        Options::STANDARD.to_backend(),
    );
    let constraints = (context.num_transition_constraints() + context.num_assertions()) as u64;
    let narrow = |n: usize| u8::try_from(n).map_err(|_| Error::Shape);
    Ok(ExpectedShape {
        options: Options::STANDARD.to_expected(),
        field_modulus_le: &GOLDILOCKS_MODULUS_LE,
        digest_bytes: 32,
        main_width: narrow(cols::WIDTH)?,
        aux_width: narrow(bus::AUX_WIDTH)?,
        aux_rands: narrow(bus::AUX_RANDS)?,
        composition_columns: narrow(context.num_constraint_composition_columns())?,
        min_constraints: constraints,
        max_constraints: constraints,
        min_trace_length_log2: MIN_TRACE_LOG2 as u8,
        max_trace_length_log2: MAX_TRACE_LOG2 as u8,
        max_meta_bytes: 0,
    })
}

/// The gate every STARK proof passes before the backend parses it: the
/// device-side [`shape::check`] (size cap first, then every length, count and
/// option against [`expected_shape`]), so that no hostile proof reaches a
/// winterfell panic or an allocation the limits do not allow.
fn shape_gate(bytes: &[u8]) -> Result<(), Error> {
    let expected = expected_shape()?;
    shape::check(bytes, &expected)
        .map(|_| ())
        .map_err(Error::ProofShape)
}

/// Checks `proof` for the statement it carries; `Ok` means the execution is proved.
pub fn verify(proof: &Proof) -> Result<(), Error> {
    verify_parts(&proof.public, &proof.counts, &proof.stark)
}

/// [`verify`] on the parts of a proof file, the STARK bytes borrowed (a
/// [`ProofFile`](crate::proof::ProofFile) read from a device's staging
/// area): the heap then holds the parsed STARK proof only, not a second copy
/// of its bytes.
pub fn verify_parts(public: &PublicInputs, counts: &Counts, stark: &[u8]) -> Result<(), Error> {
    if !crate::public::provable_return(&public.return_data) {
        return Err(Error::NotProvable);
    }
    public.frame_gas()?;
    if counts.code.len() != public.code_table().len()
        || counts.bytes.len() != 256
        || counts.calldata.len() != public.calldata.len() + 1
        || counts.memory_words > crate::limits::MAX_MEMORY_WORDS
        || counts.bitwise.len() > crate::limits::MAX_BITWISE_ENTRIES as usize
    {
        return Err(Error::CountsShape);
    }
    shape_gate(stark)?;
    let stark = StarkProof::from_bytes(stark).map_err(|_| Error::Stark(StarkError::Deserialize))?;
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
        counts: counts.clone(),
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
