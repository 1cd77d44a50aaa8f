//! The part of a winterfell `Prover` impl every prover here writes the same way (host-side macro).

/// Expands, inside `impl winter_prover::Prover for …`, to the associated
/// types `TraceLde`, `ConstraintEvaluator`, `ConstraintCommitment` and the
/// methods `new_trace_lde`, `new_evaluator`, `build_constraint_commitment`,
/// all winterfell's defaults, for the AIR `$air`, hash `$hash` and vector
/// commitment `$vc`. The expanding crate needs `winter_prover` and
/// `winter_air` as dependencies (the test AIR's prover and the EVM prover).
#[macro_export]
macro_rules! default_prover_parts {
    ($air:ty, $hash:ty, $vc:ty) => {
        type TraceLde<E: ::winter_prover::math::FieldElement<BaseField = Self::BaseField>> =
            ::winter_prover::DefaultTraceLde<E, $hash, $vc>;
        type ConstraintEvaluator<
            'a,
            E: ::winter_prover::math::FieldElement<BaseField = Self::BaseField>,
        > = ::winter_prover::DefaultConstraintEvaluator<'a, $air, E>;
        type ConstraintCommitment<
            E: ::winter_prover::math::FieldElement<BaseField = Self::BaseField>,
        > = ::winter_prover::DefaultConstraintCommitment<E, $hash, $vc>;

        fn new_trace_lde<E: ::winter_prover::math::FieldElement<BaseField = Self::BaseField>>(
            &self,
            trace_info: &::winter_prover::TraceInfo,
            main_trace: &::winter_prover::matrix::ColMatrix<Self::BaseField>,
            domain: &::winter_prover::StarkDomain<Self::BaseField>,
            partition_options: ::winter_air::PartitionOptions,
        ) -> (Self::TraceLde<E>, ::winter_prover::TracePolyTable<E>) {
            ::winter_prover::DefaultTraceLde::new(trace_info, main_trace, domain, partition_options)
        }

        fn new_evaluator<
            'a,
            E: ::winter_prover::math::FieldElement<BaseField = Self::BaseField>,
        >(
            &self,
            air: &'a $air,
            aux_rand_elements: Option<::winter_air::AuxRandElements<E>>,
            composition_coefficients: ::winter_prover::ConstraintCompositionCoefficients<E>,
        ) -> Self::ConstraintEvaluator<'a, E> {
            ::winter_prover::DefaultConstraintEvaluator::new(
                air,
                aux_rand_elements,
                composition_coefficients,
            )
        }

        fn build_constraint_commitment<
            E: ::winter_prover::math::FieldElement<BaseField = Self::BaseField>,
        >(
            &self,
            composition_poly_trace: ::winter_prover::CompositionPolyTrace<E>,
            num_constraint_composition_columns: usize,
            domain: &::winter_prover::StarkDomain<Self::BaseField>,
            partition_options: ::winter_air::PartitionOptions,
        ) -> (
            Self::ConstraintCommitment<E>,
            ::winter_prover::CompositionPoly<E>,
        ) {
            ::winter_prover::DefaultConstraintCommitment::new(
                composition_poly_trace,
                num_constraint_composition_columns,
                domain,
                partition_options,
            )
        }
    };
}
