//! A small test AIR with an auxiliary LogUp-style column, its prover and its expected shape: real winterfell proofs for the hostile-proof tests and the `stark_proof` fuzz target (not for production).
//!
//! Main segment (Goldilocks): `a, b` a Fibonacci pair (`a' = b`,
//! `b' = a + b`) and `c`, the first `n − 1` values of `a` reversed.
//! Auxiliary segment (quadratic extension, one random element α): a running
//! sum `s' = s + 1/(α − a) − 1/(α − c)`, constrained as
//! `(s' − s)(α − a)(α − c) = a − c` (degree 3, so two composition columns),
//! with `s₀ = 0` and `s_{n−1} = 0`: `c` is a permutation of `a` (LogUp).
//! Public inputs: `a₀, b₀` and `b_{n−1}`.

use alloc::vec;
use alloc::vec::Vec;

use winter_air::proof::Proof;
use winter_air::{
    Air, AirContext, Assertion, AuxRandElements, EvaluationFrame, ProofOptions, TraceInfo,
    TransitionConstraintDegree,
};
use winter_crypto::{hashers::Blake3_256, DefaultRandomCoin, MerkleTree};
use winter_math::{fields::f64::BaseElement, ExtensionOf, FieldElement, ToElements};
use winter_prover::{matrix::ColMatrix, Prover, Trace};
use winter_verifier::{AcceptableOptions, VerifierError};

use super::{ExpectedOptions, ExpectedShape, GOLDILOCKS_MODULUS_LE};

/// The hash function of the test proofs (the project's: Blake3-256).
pub type Hash = Blake3_256<BaseElement>;
/// The vector commitment of the test proofs.
pub type Commitment = MerkleTree<Hash>;
/// The Fiat–Shamir coin of the test proofs.
pub type Coin = DefaultRandomCoin<Hash>;

/// Public inputs: the first pair and the last `b`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicInputs {
    /// `a₀, b₀`.
    pub start: [BaseElement; 2],
    /// `b` in the last row.
    pub result: BaseElement,
}

impl ToElements<BaseElement> for PublicInputs {
    fn to_elements(&self) -> Vec<BaseElement> {
        vec![self.start[0], self.start[1], self.result]
    }
}

/// The shape of this AIR's proofs at the reference options, trace lengths
/// 2^3..2^14.
pub const EXPECTED: ExpectedShape = ExpectedShape {
    options: ExpectedOptions::REFERENCE,
    field_modulus_le: &GOLDILOCKS_MODULUS_LE,
    digest_bytes: 32,
    main_width: 3,
    aux_width: 1,
    aux_rands: 1,
    composition_columns: 2,
    min_constraints: 8,
    max_constraints: 8,
    min_trace_length_log2: 3,
    max_trace_length_log2: 14,
    max_meta_bytes: 0,
};

/// The test AIR.
pub struct FibLogUpAir {
    context: AirContext<BaseElement>,
    inputs: PublicInputs,
}

impl Air for FibLogUpAir {
    type BaseField = BaseElement;
    type PublicInputs = PublicInputs;

    fn new(trace_info: TraceInfo, inputs: PublicInputs, options: ProofOptions) -> Self {
        let main = vec![TransitionConstraintDegree::new(1); 2];
        let aux = vec![TransitionConstraintDegree::new(3)];
        Self {
            context: AirContext::new_multi_segment(trace_info, main, aux, 3, 2, options),
            inputs,
        }
    }

    fn context(&self) -> &AirContext<BaseElement> {
        &self.context
    }

    fn evaluate_transition<E: FieldElement<BaseField = BaseElement>>(
        &self,
        frame: &EvaluationFrame<E>,
        _periodic_values: &[E],
        result: &mut [E],
    ) {
        let (now, next) = (frame.current(), frame.next());
        result[0] = next[0] - now[1];
        result[1] = next[1] - (now[0] + now[1]);
    }

    fn evaluate_aux_transition<F, E>(
        &self,
        main: &EvaluationFrame<F>,
        aux: &EvaluationFrame<E>,
        _periodic_values: &[F],
        rands: &AuxRandElements<E>,
        result: &mut [E],
    ) where
        F: FieldElement<BaseField = BaseElement>,
        E: FieldElement<BaseField = BaseElement> + ExtensionOf<F>,
    {
        let alpha = rands.rand_elements()[0];
        let a: E = main.current()[0].into();
        let c: E = main.current()[2].into();
        let (s, s_next) = (aux.current()[0], aux.next()[0]);
        result[0] = (s_next - s) * (alpha - a) * (alpha - c) - (a - c);
    }

    fn get_assertions(&self) -> Vec<Assertion<BaseElement>> {
        let last = self.trace_length() - 1;
        vec![
            Assertion::single(0, 0, self.inputs.start[0]),
            Assertion::single(1, 0, self.inputs.start[1]),
            Assertion::single(1, last, self.inputs.result),
        ]
    }

    fn get_aux_assertions<E: FieldElement<BaseField = BaseElement>>(
        &self,
        _rands: &AuxRandElements<E>,
    ) -> Vec<Assertion<E>> {
        let last = self.trace_length() - 1;
        vec![
            Assertion::single(0, 0, E::ZERO),
            Assertion::single(0, last, E::ZERO),
        ]
    }
}

/// The main trace of the test AIR.
pub struct FibTrace {
    info: TraceInfo,
    main: ColMatrix<BaseElement>,
}

impl FibTrace {
    /// `2^log2` rows from `a₀ = 1, b₀ = start`.
    pub fn new(log2: u32, start: u64) -> Self {
        let n = 1usize << log2;
        let mut a = vec![BaseElement::ONE; n];
        let mut b = vec![BaseElement::new(start); n];
        for i in 1..n {
            a[i] = b[i - 1];
            b[i] = a[i - 1] + b[i - 1];
        }
        let mut c: Vec<BaseElement> = a[..n - 1].iter().rev().copied().collect();
        c.push(a[n - 1]);
        Self {
            info: TraceInfo::new_multi_segment(3, 1, 1, n, Vec::new()),
            main: ColMatrix::new(vec![a, b, c]),
        }
    }
}

impl Trace for FibTrace {
    type BaseField = BaseElement;

    fn info(&self) -> &TraceInfo {
        &self.info
    }

    fn main_segment(&self) -> &ColMatrix<BaseElement> {
        &self.main
    }

    fn read_main_frame(&self, row: usize, frame: &mut EvaluationFrame<BaseElement>) {
        let next = (row + 1) % self.info.length();
        self.main.read_row_into(row, frame.current_mut());
        self.main.read_row_into(next, frame.next_mut());
    }
}

/// The prover of the test AIR.
pub struct FibProver {
    options: ProofOptions,
}

impl FibProver {
    /// A prover at `options`.
    pub fn new(options: ProofOptions) -> Self {
        Self { options }
    }
}

impl Prover for FibProver {
    type BaseField = BaseElement;
    type Air = FibLogUpAir;
    type Trace = FibTrace;
    type HashFn = Hash;
    type VC = Commitment;
    type RandomCoin = Coin;
    crate::default_prover_parts!(FibLogUpAir, Hash, Commitment);

    fn get_pub_inputs(&self, trace: &FibTrace) -> PublicInputs {
        let last = trace.length() - 1;
        PublicInputs {
            start: [trace.main.get(0, 0), trace.main.get(1, 0)],
            result: trace.main.get(1, last),
        }
    }

    fn options(&self) -> &ProofOptions {
        &self.options
    }

    fn build_aux_trace<E: FieldElement<BaseField = BaseElement>>(
        &self,
        trace: &FibTrace,
        rands: &AuxRandElements<E>,
    ) -> ColMatrix<E> {
        let alpha = rands.rand_elements()[0];
        let n = trace.length();
        let mut s = vec![E::ZERO; n];
        for i in 0..n - 1 {
            let a: E = trace.main.get(0, i).into();
            let c: E = trace.main.get(2, i).into();
            s[i + 1] = s[i] + (alpha - a).inv() - (alpha - c).inv();
        }
        ColMatrix::new(vec![s])
    }
}

/// A proof of the test AIR for `2^log2` rows at `options`, serialised, and
/// its public inputs.
#[allow(clippy::expect_used)]
pub fn prove(log2: u32, start: u64, options: &ExpectedOptions) -> (Vec<u8>, PublicInputs) {
    let options = options.to_proof_options().expect("valid test options");
    let prover = FibProver::new(options);
    let trace = FibTrace::new(log2, start);
    let inputs = prover.get_pub_inputs(&trace);
    let proof = prover.prove(trace).expect("the test trace proves");
    (proof.to_bytes(), inputs)
}

/// The start value [`prove_standard`] uses for `2^log2` rows.
pub const fn standard_start(log2: u32) -> u64 {
    2 + log2 as u64
}

/// A proof of `2^log2` rows from [`standard_start`] at the reference options
/// (what the tests and the fuzz seeds use).
pub fn prove_standard(log2: u32) -> (Vec<u8>, PublicInputs) {
    prove(log2, standard_start(log2), &EXPECTED.options)
}

/// The public inputs of `2^log2` rows from `a₀ = 1, b₀ = start`, computed
/// without proving.
pub fn public_inputs(log2: u32, start: u64) -> PublicInputs {
    let (mut a, mut b) = (BaseElement::ONE, BaseElement::new(start));
    for _ in 1..(1u64 << log2) {
        (a, b) = (b, a + b);
    }
    PublicInputs {
        start: [BaseElement::ONE, BaseElement::new(start)],
        result: b,
    }
}

/// winterfell's own verification of a parsed proof against the test AIR,
/// accepting exactly `options`.
#[allow(clippy::expect_used)]
pub fn verify_proof(
    proof: Proof,
    inputs: PublicInputs,
    options: &ExpectedOptions,
) -> Result<(), VerifierError> {
    let accepted = options.to_proof_options().expect("valid test options");
    winter_verifier::verify::<FibLogUpAir, Hash, Coin, Commitment>(
        proof,
        inputs,
        &AcceptableOptions::OptionSet(vec![accepted]),
    )
}

/// Why [`verify_bytes`] refused a proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The shape check refused it.
    Shape(super::ShapeError),
    /// `Proof::from_bytes` refused a proof the shape check passed.
    Deserialize,
    /// winterfell's verifier refused it.
    Verify(VerifierError),
}

/// The device's path: the shape check against [`EXPECTED`], then
/// `Proof::from_bytes`, then `winter_verifier::verify`.
pub fn verify_bytes(bytes: &[u8], inputs: PublicInputs) -> Result<(), Refusal> {
    super::check(bytes, &EXPECTED).map_err(Refusal::Shape)?;
    let proof = Proof::from_bytes(bytes).map_err(|_| Refusal::Deserialize)?;
    verify_proof(proof, inputs, &EXPECTED.options).map_err(Refusal::Verify)
}
