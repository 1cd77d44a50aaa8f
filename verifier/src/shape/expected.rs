//! What a proof must look like: the exact option set, trace widths, length range, field and hash sizes ([`ExpectedShape`]).

use winter_air::{BatchingMethod, FieldExtension, ProofOptions};

use super::error::{Item, ShapeError};
use crate::limits;

/// The exact `ProofOptions` a proof must carry, field by field as winterfell
/// 0.13 serialises them (10 bytes, in this order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ExpectedOptions {
    /// Queries (1–254).
    pub num_queries: u8,
    /// Blowup factor (a power of two, 2–128).
    pub blowup: u8,
    /// Grinding bits (0–32).
    pub grinding: u8,
    /// Field extension degree (1, 2 or 3).
    pub field_extension: u8,
    /// FRI folding factor (2, 4, 8 or 16).
    pub fri_folding: u8,
    /// FRI remainder maximum degree (one less than a power of two, ≤ 255).
    pub fri_remainder_max_degree: u8,
    /// Constraint batching: 0 linear, 1 algebraic, 2 Horner.
    pub constraint_batching: u8,
    /// DEEP-composition batching: 0 linear, 1 algebraic, 2 Horner.
    pub deep_batching: u8,
    /// Partitions per committed row (1–16; winterfell's default is 1).
    pub num_partitions: u8,
    /// Hash rate of a partition (≥ 1; winterfell's default is 1).
    pub hash_rate: u8,
}

impl ExpectedOptions {
    /// The project's reference option set (DESIGN.md §5): 27 queries, blowup
    /// 8, 20 grinding bits, the quadratic extension, FRI folding 8, remainder
    /// degree 31, linear batching, one partition — about 100-bit conjectured
    /// security with Goldilocks and Blake3-256.
    pub const REFERENCE: Self = Self {
        num_queries: 27,
        blowup: 8,
        grinding: 20,
        field_extension: 2,
        fri_folding: 8,
        fri_remainder_max_degree: 31,
        constraint_batching: 0,
        deep_batching: 0,
        num_partitions: 1,
        hash_rate: 1,
    };

    /// The 10 bytes winterfell writes for these options.
    pub const fn to_bytes(&self) -> [u8; 10] {
        [
            self.num_queries,
            self.blowup,
            self.grinding,
            self.field_extension,
            self.fri_folding,
            self.fri_remainder_max_degree,
            self.constraint_batching,
            self.deep_batching,
            self.num_partitions,
            self.hash_rate,
        ]
    }

    /// The items of [`Self::to_bytes`], in order (for error reports).
    pub(crate) const ITEMS: [Item; 10] = [
        Item::NumQueries,
        Item::Blowup,
        Item::Grinding,
        Item::FieldExtension,
        Item::FriFolding,
        Item::FriRemainderDegree,
        Item::ConstraintBatching,
        Item::DeepBatching,
        Item::Partitions,
        Item::HashRate,
    ];

    /// `Ok` when `ProofOptions::new` and `with_partitions` accept these
    /// values (they assert, so this is checked first) and the query count is
    /// within [`limits::MAX_QUERIES`].
    pub fn validate(&self) -> Result<(), ShapeError> {
        let bad = |item| Err(ShapeError::BadExpectation { item });
        if self.num_queries == 0 || self.num_queries > limits::MAX_QUERIES {
            return bad(Item::NumQueries);
        }
        if !self.blowup.is_power_of_two() || !(2..=128).contains(&self.blowup) {
            return bad(Item::Blowup);
        }
        if self.grinding > 32 {
            return bad(Item::Grinding);
        }
        if !(1..=3).contains(&self.field_extension) {
            return bad(Item::FieldExtension);
        }
        if !self.fri_folding.is_power_of_two() || !(2..=16).contains(&self.fri_folding) {
            return bad(Item::FriFolding);
        }
        if !(u16::from(self.fri_remainder_max_degree) + 1).is_power_of_two() {
            return bad(Item::FriRemainderDegree);
        }
        // Every FRI fold then leaves at least two points per coset row, so a
        // layer's tree depth never goes below zero.
        if (u16::from(self.fri_remainder_max_degree) + 1) * u16::from(self.blowup)
            < u16::from(self.fri_folding)
        {
            return bad(Item::FriFolding);
        }
        if self.constraint_batching > 2 {
            return bad(Item::ConstraintBatching);
        }
        if self.deep_batching > 2 {
            return bad(Item::DeepBatching);
        }
        if !(1..=16).contains(&self.num_partitions) {
            return bad(Item::Partitions);
        }
        if self.hash_rate == 0 {
            return bad(Item::HashRate);
        }
        Ok(())
    }

    /// The winterfell `ProofOptions` (for the prover and for
    /// `AcceptableOptions::OptionSet`), or why these values are invalid.
    pub fn to_proof_options(&self) -> Result<ProofOptions, ShapeError> {
        self.validate()?;
        let extension = match self.field_extension {
            1 => FieldExtension::None,
            2 => FieldExtension::Quadratic,
            _ => FieldExtension::Cubic,
        };
        let batching = |b| match b {
            0 => BatchingMethod::Linear,
            1 => BatchingMethod::Algebraic,
            _ => BatchingMethod::Horner,
        };
        // `validate` has checked every assertion of `new` and `with_partitions`.
        Ok(ProofOptions::new(
            usize::from(self.num_queries),
            usize::from(self.blowup),
            u32::from(self.grinding),
            extension,
            usize::from(self.fri_folding),
            usize::from(self.fri_remainder_max_degree),
            batching(self.constraint_batching),
            batching(self.deep_batching),
        )
        .with_partitions(
            usize::from(self.num_partitions),
            usize::from(self.hash_rate),
        ))
    }
}

/// Goldilocks' modulus 2^64 − 2^32 + 1 as winterfell writes it into a proof
/// (`BaseElement::get_modulus_le_bytes`, 8 bytes little-endian).
pub const GOLDILOCKS_MODULUS_LE: [u8; 8] = 0xffff_ffff_0000_0001u64.to_le_bytes();

/// Everything the AIR and the accepted option set imply about a proof's
/// bytes. [`super::check`] accepts a proof only if it has exactly this shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpectedShape {
    /// The one accepted option set.
    pub options: ExpectedOptions,
    /// Base field modulus, little-endian, as winterfell writes it; its
    /// length is also the size of a base field element.
    pub field_modulus_le: &'static [u8],
    /// Merkle digest size of the hash function (Blake3-256: 32).
    pub digest_bytes: u8,
    /// Columns of the main trace segment (≥ 1).
    pub main_width: u8,
    /// Columns of the auxiliary segment (0: none).
    pub aux_width: u8,
    /// Random elements the auxiliary segment draws (≥ 1 exactly when
    /// `aux_width` is).
    pub aux_rands: u8,
    /// Constraint composition columns (`AirContext::num_constraint_composition_columns`
    /// — constant over the accepted trace lengths for the AIR).
    pub composition_columns: u8,
    /// Least `Context::num_constraints` (transition constraints + assertions).
    pub min_constraints: u64,
    /// Most `Context::num_constraints`.
    pub max_constraints: u64,
    /// Shortest accepted trace, log2 (≥ 3).
    pub min_trace_length_log2: u8,
    /// Longest accepted trace, log2 (≤ [`limits::MAX_TRACE_LENGTH_LOG2`]).
    pub max_trace_length_log2: u8,
    /// Most trace metadata bytes (≤ [`limits::MAX_TRACE_META_BYTES`]).
    pub max_meta_bytes: u16,
}

impl ExpectedShape {
    /// Bytes of a base field element.
    pub const fn base_bytes(&self) -> u64 {
        self.field_modulus_le.len() as u64
    }

    /// Bytes of an element of the extension field the proof works in.
    pub const fn ext_bytes(&self) -> u64 {
        self.base_bytes() * self.options.field_extension as u64
    }

    /// `Ok` when winterfell accepts this shape without asserting and it is
    /// within [`crate::limits`]; [`super::check`] calls it first.
    pub fn validate(&self) -> Result<(), ShapeError> {
        let bad = |item| Err(ShapeError::BadExpectation { item });
        self.options.validate()?;
        let modulus_len = self.field_modulus_le.len();
        if modulus_len == 0
            || modulus_len > usize::from(limits::MAX_MODULUS_BYTES)
            || self.field_modulus_le.last() == Some(&0)
        {
            return bad(Item::ModulusBytes);
        }
        if self.digest_bytes == 0 || self.digest_bytes > limits::MAX_DIGEST_BYTES {
            return bad(Item::DigestBytes);
        }
        if self.main_width == 0 {
            return bad(Item::MainWidth);
        }
        if u16::from(self.main_width) + u16::from(self.aux_width)
            > u16::from(limits::MAX_TRACE_WIDTH)
        {
            return bad(Item::AuxWidth);
        }
        if (self.aux_width == 0) != (self.aux_rands == 0) {
            return bad(Item::AuxRands);
        }
        if self.composition_columns == 0
            || self.composition_columns > limits::MAX_COMPOSITION_COLUMNS
        {
            return bad(Item::ConstraintQueryValues);
        }
        if self.min_constraints == 0
            || self.min_constraints > self.max_constraints
            || self.max_constraints > limits::MAX_CONSTRAINTS
        {
            return bad(Item::NumConstraints);
        }
        if self.min_trace_length_log2 < limits::MIN_TRACE_LENGTH_LOG2
            || self.min_trace_length_log2 > self.max_trace_length_log2
            || self.max_trace_length_log2 > limits::MAX_TRACE_LENGTH_LOG2
        {
            return bad(Item::TraceLengthLog2);
        }
        // winterfell draws `num_queries` positions from the LDE domain and
        // asserts there are fewer queries than points.
        let min_lde =
            1u64 << (self.min_trace_length_log2 + self.options.blowup.trailing_zeros() as u8);
        if u64::from(self.options.num_queries) >= min_lde {
            return bad(Item::NumQueries);
        }
        if self.max_meta_bytes > limits::MAX_TRACE_META_BYTES {
            return bad(Item::TraceMeta);
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use winter_utils::{Deserializable, Serializable};

    fn options(b: [u8; 10]) -> ExpectedOptions {
        ExpectedOptions {
            num_queries: b[0],
            blowup: b[1],
            grinding: b[2],
            field_extension: b[3],
            fri_folding: b[4],
            fri_remainder_max_degree: b[5],
            constraint_batching: b[6],
            deep_batching: b[7],
            num_partitions: b[8],
            hash_rate: b[9],
        }
    }

    #[test]
    fn the_reference_options_are_valid_and_serialise_as_winterfell_does() {
        let o = ExpectedOptions::REFERENCE;
        assert_eq!(o.validate(), Ok(()));
        assert_eq!(
            o.to_proof_options().unwrap().to_bytes(),
            o.to_bytes().to_vec()
        );
        assert_eq!(options(o.to_bytes()), o);
    }

    #[test]
    fn a_fold_larger_than_the_remainder_domain_is_refused() {
        let mut o = ExpectedOptions::REFERENCE;
        o.blowup = 2;
        o.fri_remainder_max_degree = 0;
        o.fri_folding = 4;
        assert_eq!(
            o.validate(),
            Err(ShapeError::BadExpectation {
                item: Item::FriFolding
            })
        );
        o.fri_folding = 2;
        assert_eq!(o.validate(), Ok(()));
    }

    proptest! {
        /// `validate` accepts only option bytes winterfell reads without a
        /// panic or an error, and then they round-trip.
        #[test]
        fn validate_is_at_least_as_strict_as_winterfell(b in proptest::array::uniform10(0u8..40)) {
            let o = options(b);
            let theirs = std::panic::catch_unwind(|| ProofOptions::read_from_bytes(&b));
            match o.validate() {
                Ok(()) => {
                    let read = theirs.expect("winterfell read it").expect("without an error");
                    prop_assert_eq!(read.to_bytes(), b.to_vec());
                    prop_assert_eq!(o.to_proof_options().unwrap(), read);
                }
                Err(ShapeError::BadExpectation { .. }) => {}
                Err(e) => prop_assert!(false, "{e:?}"),
            }
        }
    }
}
