//! The one STARK parameter set this verifier accepts, as the project's own type.

use winter_air::{BatchingMethod, FieldExtension, ProofOptions};

use crate::shape::ExpectedOptions;

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

    /// The same set as the shape check's byte-exact [`ExpectedOptions`]
    /// (quadratic extension, linear batching, one partition).
    pub const fn to_expected(self) -> ExpectedOptions {
        ExpectedOptions {
            num_queries: self.queries,
            blowup: self.blowup,
            grinding: self.grinding_bits,
            field_extension: 2,
            fri_folding: self.fri_folding,
            fri_remainder_max_degree: self.fri_remainder_max_degree,
            constraint_batching: 0,
            deep_batching: 0,
            num_partitions: 1,
            hash_rate: 1,
        }
    }

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
