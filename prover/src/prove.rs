//! The winterfell prover of the AIR: main trace, auxiliary LogUp columns, proof.

use verifier::air::EvmAir;
use verifier::bus::{self, Challenges};
use verifier::cols;
use verifier::public::AirInputs;
use verifier::verify::Hash;
use winter_air::AuxRandElements;
use winter_prover::crypto::{DefaultRandomCoin, MerkleTree};
use winter_prover::math::fields::f64::BaseElement;
use winter_prover::math::FieldElement;
use winter_prover::matrix::ColMatrix;
use winter_prover::{EvaluationFrame, ProofOptions, Prover, Trace, TraceInfo};

/// The main trace in winterfell's form.
#[derive(Debug)]
pub struct EvmTrace {
    info: TraceInfo,
    main: ColMatrix<BaseElement>,
}

impl EvmTrace {
    /// From equal-length power-of-two columns.
    pub fn new(columns: Vec<Vec<BaseElement>>) -> Self {
        let len = columns.first().map_or(0, Vec::len);
        let info = TraceInfo::new_multi_segment(
            cols::WIDTH,
            bus::AUX_WIDTH,
            bus::AUX_RANDS,
            len,
            Vec::new(),
        );
        Self {
            info,
            main: ColMatrix::new(columns),
        }
    }
}

impl Trace for EvmTrace {
    type BaseField = BaseElement;

    fn info(&self) -> &TraceInfo {
        &self.info
    }

    fn main_segment(&self) -> &ColMatrix<BaseElement> {
        &self.main
    }

    fn read_main_frame(&self, row_idx: usize, frame: &mut EvaluationFrame<BaseElement>) {
        let next = (row_idx + 1) % self.info.length();
        self.main.read_row_into(row_idx, frame.current_mut());
        self.main.read_row_into(next, frame.next_mut());
    }
}

/// The prover for one statement.
#[derive(Debug)]
pub struct EvmProver {
    options: ProofOptions,
    inputs: AirInputs,
}

impl EvmProver {
    /// A prover of `inputs` with `options`.
    pub fn new(inputs: AirInputs, options: ProofOptions) -> Self {
        Self { options, inputs }
    }
}

/// The auxiliary segment: running sum (column 0) and the helper columns.
pub fn aux_columns<E>(main: &ColMatrix<BaseElement>, rands: &[E]) -> Vec<Vec<E>>
where
    E: FieldElement<BaseField = BaseElement>,
{
    let ch = Challenges::new(rands);
    let len = main.num_rows();
    let mut out = vec![vec![E::ZERO; len]; bus::AUX_WIDTH];
    let mut row = vec![BaseElement::ZERO; cols::WIDTH];
    let mut sum = E::ZERO;
    #[allow(clippy::needless_range_loop)] // one row fills every column at index i
    for i in 0..len {
        main.read_row_into(i, &mut row);
        let fr = bus::row_fracs::<BaseElement, E>(&row, &ch);
        out[0][i] = sum;
        let mut step = if fr.code.den == E::ZERO {
            E::ZERO
        } else {
            fr.code.num / fr.code.den
        };
        if fr.calldata.den != E::ZERO {
            step += fr.calldata.num / fr.calldata.den;
        }
        for (j, g) in fr.stack.chunks(bus::STACK_PER_HELPER).enumerate() {
            let h = bus::group_sum(g).unwrap_or(E::ZERO);
            out[1 + j][i] = h;
            step += h;
        }
        for (j, g) in fr.bytes.chunks(bus::BYTES_PER_HELPER).enumerate() {
            let h = bus::group_sum(g).unwrap_or(E::ZERO);
            out[1 + bus::STACK_HELPERS + j][i] = h;
            step += h;
        }
        if fr.ret.den != E::ZERO {
            step += fr.ret.num / fr.ret.den;
        }
        let h = bus::group_sum(&fr.memory).unwrap_or(E::ZERO);
        out[bus::MEM_HELPER][i] = h;
        step += h;
        sum += step;
    }
    out
}

impl Prover for EvmProver {
    type BaseField = BaseElement;
    type Air = EvmAir;
    type Trace = EvmTrace;
    type HashFn = Hash;
    type VC = MerkleTree<Hash>;
    type RandomCoin = DefaultRandomCoin<Hash>;
    verifier::default_prover_parts!(EvmAir, Hash, MerkleTree<Hash>);

    fn get_pub_inputs(&self, _trace: &EvmTrace) -> AirInputs {
        self.inputs.clone()
    }

    fn options(&self) -> &ProofOptions {
        &self.options
    }

    fn build_aux_trace<E: FieldElement<BaseField = BaseElement>>(
        &self,
        main_trace: &EvmTrace,
        aux_rand_elements: &AuxRandElements<E>,
    ) -> ColMatrix<E> {
        ColMatrix::new(aux_columns(
            &main_trace.main,
            aux_rand_elements.rand_elements(),
        ))
    }
}
