//! The one STARK parameter set this verifier accepts, as the project's own type.

use winter_air::{BatchingMethod, FieldExtension, ProofOptions};

/// STARK parameters (backend-neutral fields; see [`Options::STANDARD`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// FRI queries.
    pub queries: u8,
    /// Low-degree extension blowup.
    pub blowup: u8,
    /// Proof-of-work bits.
    pub grinding_bits: u8,
    /// FRI folding factor.
    pub fri_folding: u8,
    /// Largest degree of the FRI remainder polynomial.
    pub fri_remainder_max_degree: u8,
}

impl Options {
    /// Goldilocks × 2, Blake3-256, blowup 8, 27 queries, 20-bit grinding,
    /// FRI folding 8, remainder degree ≤ 31 (DESIGN.md §5): about 100 bits conjectured.
    pub const STANDARD: Options = Options {
        queries: 27,
        blowup: 8,
        grinding_bits: 20,
        fri_folding: 8,
        fri_remainder_max_degree: 31,
    };

    /// The backend's option value.
    pub fn to_backend(self) -> ProofOptions {
        ProofOptions::new(
            usize::from(self.queries),
            usize::from(self.blowup),
            u32::from(self.grinding_bits),
            FieldExtension::Quadratic,
            usize::from(self.fri_folding),
            usize::from(self.fri_remainder_max_degree),
            BatchingMethod::Linear,
            BatchingMethod::Linear,
        )
    }
}
