//! STARK verification on the device: the staged proof file of an EVM execution, checked with `verifier`.
//!
//! The file is parsed where it was staged ([`verifier::ProofFile`]: the
//! public inputs and counts are copied to the heap, the STARK bytes are
//! not), so the heap holds only what winterfell parses from them and its
//! working state; everything is freed before the answer is sent.

use protocol::limits::MAX_REASON;
use protocol::{ExecOutcome, Rejection, Response, StarkFault, StarkSummary};
use verifier::{Error, ProofFile, StarkError, Status};

use crate::exec::reject;
use crate::service::Platform;

/// The protocol's type for a verifier error.
pub fn fault(e: &Error) -> StarkFault {
    match e {
        Error::BadMagic
        | Error::UnsupportedVersion { .. }
        | Error::Truncated
        | Error::TrailingBytes
        | Error::TooLong { .. }
        | Error::BadField => StarkFault::File,
        Error::GasLimitTooLarge { .. } | Error::GasUsedOutOfRange | Error::NotProvable => {
            StarkFault::Statement
        }
        Error::CountsShape => StarkFault::Counts,
        Error::Shape | Error::ProofShape(_) => StarkFault::Shape,
        Error::Stark(s) => match s {
            StarkError::Deserialize => StarkFault::Deserialize,
            StarkError::Options => StarkFault::Options,
            StarkError::Constraints => StarkFault::Constraints,
            StarkError::Commitment => StarkFault::Commitment,
            StarkError::Fri => StarkFault::Fri,
            StarkError::Grinding => StarkFault::Grinding,
            _ => StarkFault::Other,
        },
        _ => StarkFault::Other,
    }
}

fn len32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The summary of an accepted file (the measurement figures filled in by the caller).
fn summary(file: &ProofFile<'_>) -> StarkSummary {
    let p = &file.public;
    let trace_rows = verifier::verify::expected_shape()
        .ok()
        .and_then(|shape| verifier::shape::check(file.stark, &shape).ok())
        .map_or(0, |s| 1u32 << s.trace_length_log2.min(31));
    StarkSummary {
        code_len: len32(p.code.len()),
        code_hash: evm_core::keccak256(&p.code),
        calldata_len: len32(p.calldata.len()),
        calldata_hash: evm_core::keccak256(&p.calldata),
        caller: p.caller,
        address: p.address,
        value: p.value,
        gas_limit: p.gas_limit,
        gas_used: p.gas_used,
        status: match p.status {
            Status::Success => ExecOutcome::Success,
            Status::Revert => ExecOutcome::Revert,
        },
        return_len: len32(p.return_data.len()),
        trace_rows,
        stark_bytes: len32(file.stark.len()),
        instructions: 0,
        heap_peak: 0,
        heap_base: 0,
    }
}

/// Parse and verify the proof file in `staged` (counting instructions and
/// the heap peak on `platform`): `StarkVerified` with a summary, or
/// `Rejected { InvalidStark(fault) }` with the verifier's reason in `reason`.
#[inline(never)]
pub fn verify_stark<'r, P: Platform>(
    platform: &mut P,
    staged: &[u8],
    reason: &'r mut heapless::String<MAX_REASON>,
) -> Response<'r> {
    let heap_base = platform.memory().heap_used;
    platform.start_heap_window();
    let mut outcome = None;
    let measured = platform.measure(&mut || {
        outcome = Some(ProofFile::parse(staged).and_then(|file| {
            verifier::verify_parts(&file.public, &file.counts, file.stark).map(|()| file)
        }));
    });
    let heap_peak = platform.heap_window_peak();
    match outcome {
        Some(Ok(file)) => {
            let mut s = summary(&file);
            s.instructions = measured.instructions;
            s.heap_peak = heap_peak;
            s.heap_base = heap_base;
            Response::StarkVerified(s)
        }
        Some(Err(e)) => {
            let fault = fault(&e);
            reject(reason, Rejection::InvalidStark(fault), format_args!("{e}"))
        }
        None => reject(
            reason,
            Rejection::DeviceLimit,
            format_args!("verification did not run"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::service::TestHost as Host;

    fn answer(staged: &[u8]) -> Option<(Rejection, std::string::String)> {
        let mut reason = heapless::String::new();
        match verify_stark(&mut Host, staged, &mut reason) {
            Response::Rejected { kind, reason } => Some((kind, reason.into())),
            _ => None,
        }
    }

    #[test]
    fn bytes_that_are_no_proof_file_are_rejected_as_such() {
        for staged in [&b""[..], b"ZKEVMPRF", b"not a proof at all", &[0u8; 300]] {
            let (kind, reason) = answer(staged).expect("rejected");
            assert_eq!(kind, Rejection::InvalidStark(StarkFault::File), "{reason}");
            assert!(!reason.is_empty());
        }
    }

    #[test]
    fn a_well_framed_file_with_a_bad_statement_or_stark_is_typed() {
        let mut p = verifier::Proof {
            public: verifier::PublicInputs {
                code: vec![0x00],
                calldata: vec![],
                caller: [1; 20],
                address: [2; 20],
                value: [0; 32],
                gas_limit: 100_000,
                gas_used: 21_000,
                status: Status::Success,
                return_data: vec![],
            },
            counts: verifier::Counts {
                code: vec![1, 0],
                bytes: vec![0; 256],
                calldata: vec![0],
                memory_words: 0,
                bitwise: vec![],
            },
            stark: vec![0; 64],
        };
        let stark_fault = answer(&p.to_bytes()).expect("rejected").0;
        assert_eq!(stark_fault, Rejection::InvalidStark(StarkFault::Shape));
        // Return data of 3 bytes: a statement the AIR cannot prove.
        p.public.return_data = vec![1, 2, 3];
        assert_eq!(
            answer(&p.to_bytes()).expect("rejected").0,
            Rejection::InvalidStark(StarkFault::Statement)
        );
    }

    #[test]
    fn every_verifier_error_has_a_fault() {
        assert_eq!(fault(&Error::CountsShape), StarkFault::Counts);
        assert_eq!(fault(&Error::Stark(StarkError::Fri)), StarkFault::Fri);
        assert_eq!(fault(&Error::Degenerate), StarkFault::Other);
    }
}
