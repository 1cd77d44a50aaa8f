//! STARK verification on the device: what a [`crate::Request::VerifyStark`] proved, or why it failed.

use serde::{Deserialize, Serialize};

use crate::message::ExecOutcome;

/// What an accepted STARK proof file proves, summarised (the full public
/// inputs are in the file the host staged), with the device's cost of
/// checking it. Answer to [`crate::Request::VerifyStark`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct StarkSummary {
    /// Bytes of the proved code.
    pub code_len: u32,
    /// keccak256 of the code (the code hash an account proof would carry).
    pub code_hash: [u8; 32],
    /// Bytes of calldata.
    pub calldata_len: u32,
    /// keccak256 of the calldata.
    pub calldata_hash: [u8; 32],
    /// CALLER.
    pub caller: [u8; 20],
    /// ADDRESS.
    pub address: [u8; 20],
    /// CALLVALUE, big-endian.
    pub value: [u8; 32],
    /// Transaction gas limit.
    pub gas_limit: u64,
    /// Gas used, intrinsic gas included.
    pub gas_used: u64,
    /// How the execution ended.
    pub status: ExecOutcome,
    /// Bytes of return data.
    pub return_len: u32,
    /// Rows of the proved trace (a power of two).
    pub trace_rows: u32,
    /// Bytes of the STARK proof inside the file.
    pub stark_bytes: u32,
    /// Instructions the device took to parse and verify the file.
    pub instructions: u64,
    /// Most heap bytes in use while it did (from the heap in use before it).
    pub heap_peak: u32,
    /// Heap bytes in use before the request (the baseline it returns to).
    pub heap_base: u32,
}

/// Why a STARK proof file was rejected: the verifier's error, as a type
/// (the details go in the rejection's reason text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum StarkFault {
    /// The file's framing (magic, version, a length, a field, trailing bytes).
    File,
    /// The statement itself (gas, status, return data) is not one the AIR proves.
    Statement,
    /// The table multiplicities do not fit the code, bytes or calldata.
    Counts,
    /// The STARK bytes are not of the shape this verifier accepts (checked
    /// before the backend reads them).
    Shape,
    /// The backend could not parse the STARK bytes.
    Deserialize,
    /// Proof options other than the one set accepted.
    Options,
    /// The constraints do not hold at the out-of-domain point.
    Constraints,
    /// A Merkle path or commitment does not match.
    Commitment,
    /// The FRI low-degree test failed.
    Fri,
    /// The proof-of-work nonce is wrong.
    Grinding,
    /// Another verification failure.
    Other,
}

impl StarkFault {
    /// A short name, as tools print it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::File => "proof file malformed",
            Self::Statement => "statement not provable",
            Self::Counts => "table multiplicities of the wrong shape",
            Self::Shape => "proof shape not accepted",
            Self::Deserialize => "proof bytes do not parse",
            Self::Options => "proof options not accepted",
            Self::Constraints => "constraints do not hold at the out-of-domain point",
            Self::Commitment => "commitment or Merkle path mismatch",
            Self::Fri => "FRI low-degree test failed",
            Self::Grinding => "proof-of-work nonce wrong",
            Self::Other => "other verification failure",
        }
    }
}

impl core::fmt::Display for StarkFault {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::{decode_exact, Rejection};

    pub(crate) fn sample_summary() -> StarkSummary {
        StarkSummary {
            code_len: 14,
            code_hash: [1; 32],
            calldata_len: 0,
            calldata_hash: [2; 32],
            caller: [3; 20],
            address: [4; 20],
            value: [0; 32],
            gas_limit: 1_000_000,
            gas_used: 21_500,
            status: ExecOutcome::Success,
            return_len: 0,
            trace_rows: 256,
            stark_bytes: 40_000,
            instructions: 9_000_000,
            heap_peak: 90_000,
            heap_base: 0,
        }
    }

    #[test]
    fn summary_and_fault_round_trip() {
        let summary = sample_summary();
        let bytes = postcard::to_allocvec(&summary).unwrap();
        assert_eq!(decode_exact::<StarkSummary>(&bytes), Ok(summary));
        let kind = Rejection::InvalidStark(StarkFault::Fri);
        let bytes = postcard::to_allocvec(&kind).unwrap();
        assert_eq!(decode_exact::<Rejection>(&bytes), Ok(kind));
        assert_eq!(
            kind.to_string(),
            "invalid STARK proof: FRI low-degree test failed"
        );
    }
}
