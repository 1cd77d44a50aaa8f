//! The winterfell AIR of one depth-0 call frame, and a row-by-row trace checker.

use alloc::vec::Vec;

use winter_air::{
    Air, AirContext, Assertion, AuxRandElements, EvaluationFrame, ProofOptions, TraceInfo,
    TransitionConstraintDegree,
};
use winter_math::fields::f64::BaseElement;
use winter_math::{ExtensionOf, FieldElement};

use crate::bus::{self, Challenges};
use crate::cols;
use crate::constraints::{self, Degrees, FirstFailure, Writer};
use crate::public::{self, AirInputs, CodeRow};

/// The AIR: constraints of [`crate::constraints`], boundary values from the public inputs.
pub struct EvmAir {
    context: AirContext<BaseElement>,
    inputs: AirInputs,
    table: Vec<CodeRow>,
    gas: (u64, u64),
}

/// Boundary assertions on the main trace ([`Air::get_assertions`]).
pub const MAIN_ASSERTIONS: usize = 12;
/// Boundary assertions on the auxiliary trace ([`Air::get_aux_assertions`]).
pub const AUX_ASSERTIONS: usize = 2;

/// Declared degrees of the main and the auxiliary constraints.
pub fn degrees() -> (Vec<usize>, Vec<usize>) {
    let zero = [BaseElement::ZERO; cols::WIDTH];
    let mut main = Degrees::default();
    constraints::main(&zero, &zero, &mut main);
    let mut aux = Degrees::default();
    let ch = Challenges::<BaseElement>::new(&[]);
    let zaux = [BaseElement::ZERO; bus::AUX_WIDTH];
    constraints::aux(&zero, &zaux, &zaux, &ch, &mut aux);
    (main.0, aux.0)
}

impl core::fmt::Debug for EvmAir {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("EvmAir")
            .field("gas", &self.gas)
            .finish_non_exhaustive()
    }
}

impl EvmAir {
    /// The bytecode table built from the public code.
    pub fn table(&self) -> &[CodeRow] {
        &self.table
    }
}

impl Air for EvmAir {
    type BaseField = BaseElement;
    type PublicInputs = AirInputs;

    fn new(trace_info: TraceInfo, inputs: AirInputs, options: ProofOptions) -> Self {
        let (main, aux) = degrees();
        let main = main
            .into_iter()
            .map(TransitionConstraintDegree::new)
            .collect();
        let aux = aux
            .into_iter()
            .map(TransitionConstraintDegree::new)
            .collect();
        // 12 main assertions, 2 auxiliary ones (see get_assertions / get_aux_assertions).
        let context = AirContext::new_multi_segment(
            trace_info,
            main,
            aux,
            MAIN_ASSERTIONS,
            AUX_ASSERTIONS,
            options,
        );
        let table = inputs.public.code_table();
        // An out-of-range gas claim is rejected before the AIR is built; here it only
        // must not panic.
        let gas = inputs.public.frame_gas().unwrap_or((0, 0));
        Self {
            context,
            inputs,
            table,
            gas,
        }
    }

    fn context(&self) -> &AirContext<BaseElement> {
        &self.context
    }

    fn evaluate_transition<E: FieldElement<BaseField = BaseElement>>(
        &self,
        frame: &EvaluationFrame<E>,
        _periodic: &[E],
        result: &mut [E],
    ) {
        constraints::main(frame.current(), frame.next(), &mut Writer::new(result));
    }

    fn evaluate_aux_transition<F, E>(
        &self,
        main_frame: &EvaluationFrame<F>,
        aux_frame: &EvaluationFrame<E>,
        _periodic: &[F],
        rands: &AuxRandElements<E>,
        result: &mut [E],
    ) where
        F: FieldElement<BaseField = BaseElement>,
        E: FieldElement<BaseField = BaseElement> + ExtensionOf<F>,
    {
        let ch = Challenges::new(rands.rand_elements());
        constraints::aux(
            main_frame.current(),
            aux_frame.next(),
            aux_frame.current(),
            &ch,
            &mut Writer::new(result),
        );
    }

    fn get_assertions(&self) -> Vec<Assertion<BaseElement>> {
        let last = self.trace_length() - 1;
        let b = BaseElement::new;
        alloc::vec![
            Assertion::single(cols::CLK, 0, b(0)),
            Assertion::single(cols::ACTIVE, 0, b(1)),
            Assertion::single(cols::PC, 0, b(0)),
            Assertion::single(cols::SP, 0, b(0)),
            Assertion::single(cols::MEMW, 0, b(0)),
            Assertion::single(cols::MK, 0, b(0)),
            Assertion::single(cols::STATUS, 0, b(self.inputs.public.status as u64)),
            Assertion::single(cols::GAS, 0, b(self.gas.0)),
            Assertion::single(cols::ACTIVE, last, b(0)),
            Assertion::single(cols::FIN, last, b(0)),
            Assertion::single(cols::SP, last, b(0)),
            Assertion::single(cols::GAS, last, b(self.gas.1)),
        ]
    }

    fn get_aux_assertions<E: FieldElement<BaseField = BaseElement>>(
        &self,
        rands: &AuxRandElements<E>,
    ) -> Vec<Assertion<E>> {
        let ch = Challenges::new(rands.rand_elements());
        let last = self.trace_length() - 1;
        // A degenerate challenge (probability ~2^-120) makes the target unreachable.
        let target = public::table_sum(&self.inputs.public, &self.table, &self.inputs.counts, &ch)
            .unwrap_or(E::ONE);
        alloc::vec![
            Assertion::single(0, 0, E::ZERO),
            Assertion::single(0, last, target),
        ]
    }
}

/// Where a trace breaks the main constraints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Violation {
    /// Row.
    pub row: usize,
    /// Constraint index.
    pub index: usize,
    /// Constraint label.
    pub label: &'static str,
}

/// Checks every transition constraint of the main trace (rows given column by column).
pub fn check_main(columns: &[Vec<BaseElement>]) -> Result<(), Violation> {
    let len = columns.first().map_or(0, Vec::len);
    let mut cur = [BaseElement::ZERO; cols::WIDTH];
    let mut nxt = [BaseElement::ZERO; cols::WIDTH];
    for row in 0..len.saturating_sub(1) {
        for (j, col) in columns.iter().enumerate().take(cols::WIDTH) {
            cur[j] = col.get(row).copied().unwrap_or(BaseElement::ZERO);
            nxt[j] = col.get(row + 1).copied().unwrap_or(BaseElement::ZERO);
        }
        let mut sink = FirstFailure::default();
        constraints::main(&cur, &nxt, &mut sink);
        if let Some((index, label)) = sink.failed {
            return Err(Violation { row, index, label });
        }
    }
    Ok(())
}
