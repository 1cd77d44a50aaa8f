//! Shared helpers of the hostile-proof tests: cached real proofs, a quiet `catch_unwind`, a per-thread allocation meter, and the byte offsets of a proof's fields.
#![allow(
    dead_code,
    unsafe_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Once, OnceLock};

use verifier::shape::test_air::{self, PublicInputs, Refusal, EXPECTED};
use winter_air::proof::Proof;

// ---------------------------------------------------------------------------
// Allocation meter: the largest single allocation and the peak of live bytes
// of the current thread (each test runs on its own thread).

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

/// `System`, counting per thread.
pub struct Meter;

// SAFETY: every call is forwarded unchanged to `System`; the counters are
// thread-local `Cell<usize>`s (const-initialised, no destructor), so counting
// never allocates or re-enters the allocator.
unsafe impl GlobalAlloc for Meter {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_alloc(layout.size());
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_alloc(layout.size());
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let _ = LIVE.try_with(|l| l.set(l.get().saturating_sub(layout.size())));
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = LIVE.try_with(|l| l.set(l.get().saturating_sub(layout.size())));
        count_alloc(new_size);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

fn count_alloc(size: usize) {
    let _ = LIVE.try_with(|l| {
        let live = l.get().saturating_add(size);
        l.set(live);
        let _ = PEAK.try_with(|p| p.set(p.get().max(live)));
    });
    let _ = LARGEST.try_with(|m| m.set(m.get().max(size)));
}

/// What `f` allocated on this thread: (its result, peak live bytes above the
/// start, largest single allocation).
pub fn metered<T>(f: impl FnOnce() -> T) -> (T, usize, usize) {
    let start = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(start));
    LARGEST.with(|m| m.set(0));
    let out = f();
    let peak = PEAK.with(Cell::get).saturating_sub(start);
    (out, peak, LARGEST.with(Cell::get))
}

// ---------------------------------------------------------------------------
// Quiet catch_unwind: panics caught on purpose print nothing.

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// `Err(message)` if `f` panicked, without the default hook's output.
pub fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                default(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    result.map_err(|e| {
        e.downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default()
    })
}

/// How a verification path ended.
#[derive(Debug)]
pub enum Outcome {
    /// It panicked (message).
    Panicked(String),
    /// It accepted the proof.
    Accepted,
    /// It returned a typed refusal.
    Refused(Refusal),
}

/// The device's path (shape check, `Proof::from_bytes`, `verify`) under
/// `catch_unwind`.
pub fn checked(bytes: &[u8], inputs: PublicInputs) -> Outcome {
    match quietly(|| test_air::verify_bytes(bytes, inputs)) {
        Err(message) => Outcome::Panicked(message),
        Ok(Ok(())) => Outcome::Accepted,
        Ok(Err(refusal)) => Outcome::Refused(refusal),
    }
}

/// winterfell alone (no shape check) under `catch_unwind`: `Err(())` is a
/// refusal, `Ok(true)` acceptance.
pub fn raw(bytes: &[u8], inputs: PublicInputs) -> Result<bool, String> {
    quietly(|| match Proof::from_bytes(bytes) {
        Err(_) => false,
        Ok(proof) => test_air::verify_proof(proof, inputs, &EXPECTED.options).is_ok(),
    })
}

// ---------------------------------------------------------------------------
// Real proofs, proved once per test binary.

/// A proof of the test AIR and what it proves.
pub struct Fixture {
    pub log2: u32,
    pub bytes: Vec<u8>,
    pub inputs: PublicInputs,
    pub layout: Layout_,
}

/// The proofs of 2^3, 2^6, 2^10 and 2^12 rows at the reference options.
pub fn proofs() -> &'static [Fixture] {
    static PROOFS: OnceLock<Vec<Fixture>> = OnceLock::new();
    PROOFS.get_or_init(|| {
        [3u32, 6, 10, 12]
            .into_iter()
            .map(|log2| {
                let (bytes, inputs) = test_air::prove_standard(log2);
                assert_eq!(
                    inputs,
                    test_air::public_inputs(log2, test_air::standard_start(log2))
                );
                let layout = layout(&bytes);
                Fixture {
                    log2,
                    bytes,
                    inputs,
                    layout,
                }
            })
            .collect()
    })
}

/// The proof of 2^`log2` rows.
pub fn proof(log2: u32) -> &'static Fixture {
    proofs().iter().find(|f| f.log2 == log2).unwrap()
}

// ---------------------------------------------------------------------------
// Byte offsets of the fields of a valid proof (written from winter-air's
// serialisation, independently of `verifier::shape`).

/// Offsets of a proof's fields.
#[derive(Debug, Clone, Default)]
pub struct Layout_ {
    pub aux_width: usize,
    pub aux_rands: usize,
    pub trace_log2: usize,
    pub modulus_len: usize,
    pub options: usize,
    pub num_constraints: usize,
    pub unique_queries: usize,
    pub commitments: usize,
    /// Per Queries (main, aux, constraint): offset of the values varint and
    /// of the opening's depth byte and node-vector varint.
    pub queries: Vec<(usize, usize, usize)>,
    pub ood_trace: usize,
    pub ood_quotient: usize,
    pub fri_layers: usize,
    /// Per FRI layer: start (its u32 value length) and end.
    pub fri_layer_spans: Vec<(usize, usize)>,
    pub remainder: usize,
    pub partitions: usize,
    pub nonce: usize,
    pub len: usize,
}

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn u8(&mut self) -> u8 {
        self.pos += 1;
        self.bytes[self.pos - 1]
    }
    fn u16(&mut self) -> usize {
        let v = u16::from_le_bytes(self.bytes[self.pos..self.pos + 2].try_into().unwrap());
        self.pos += 2;
        v.into()
    }
    fn u32(&mut self) -> usize {
        let v = u32::from_le_bytes(self.bytes[self.pos..self.pos + 4].try_into().unwrap());
        self.pos += 4;
        v as usize
    }
    fn varint(&mut self) -> usize {
        use winter_utils::{ByteReader, SliceReader};
        let mut r = SliceReader::new(&self.bytes[self.pos..]);
        let v = r.read_usize().unwrap();
        let mut again = Vec::new();
        winter_utils::ByteWriter::write_usize(&mut again, v);
        self.pos += again.len();
        v
    }
    fn skip(&mut self, n: usize) {
        self.pos += n;
    }
}

/// The field offsets of a valid proof.
pub fn layout(bytes: &[u8]) -> Layout_ {
    let mut c = Cursor { bytes, pos: 0 };
    let mut l = Layout_::default();
    c.u8();
    l.aux_width = c.pos;
    let aux = c.u8();
    l.aux_rands = c.pos;
    c.u8();
    l.trace_log2 = c.pos;
    c.u8();
    let meta = c.u16();
    c.skip(meta);
    l.modulus_len = c.pos;
    let m = c.u8();
    c.skip(m.into());
    l.options = c.pos;
    c.skip(10);
    l.num_constraints = c.pos;
    c.varint();
    l.unique_queries = c.pos;
    c.u8();
    l.commitments = c.pos;
    let n = c.u16();
    c.skip(n);
    let segments = if aux == 0 { 2 } else { 3 };
    for _ in 0..segments {
        let values = c.pos;
        let n = c.varint();
        c.skip(n);
        let n = c.varint();
        let opening = c.pos;
        let depth = c.pos;
        c.skip(1);
        let vectors = c.pos;
        c.pos = opening + n;
        l.queries.push((values, depth, vectors));
    }
    l.ood_trace = c.pos;
    let n = c.u16();
    c.skip(n);
    l.ood_quotient = c.pos;
    let n = c.u16();
    c.skip(n);
    l.fri_layers = c.pos;
    let layers = c.u8();
    for _ in 0..layers {
        let start = c.pos;
        let n = c.u32();
        c.skip(n);
        let n = c.u32();
        c.skip(n);
        l.fri_layer_spans.push((start, c.pos));
    }
    l.remainder = c.pos;
    let n = c.u16();
    c.skip(n);
    l.partitions = c.pos;
    c.u8();
    l.nonce = c.pos;
    c.skip(8);
    l.len = c.pos;
    assert_eq!(l.len, bytes.len(), "layout walked the whole proof");
    l
}

/// `bytes` with `bytes[at] = value`.
pub fn with_byte(bytes: &[u8], at: usize, value: u8) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out[at] = value;
    out
}

/// `bytes` with `bytes[range]` replaced by `new`.
pub fn splice(bytes: &[u8], range: std::ops::Range<usize>, new: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out.splice(range, new.iter().copied());
    out
}

/// winter-utils' encoding of `value`.
pub fn varint(value: u64) -> Vec<u8> {
    let mut out = Vec::new();
    winter_utils::ByteWriter::write_usize(&mut out, value as usize);
    out
}

/// The byte length of the varint at `at`.
pub fn varint_len(bytes: &[u8], at: usize) -> usize {
    let mut c = Cursor { bytes, pos: at };
    c.varint();
    c.pos - at
}
