//! Streaming row encoder: a [`Tracer`] that encodes each step into a [`Sink`] and a [`Commitment`].

use evm_core::buf::Sink;
use evm_core::keccak::Keccak256;
use evm_core::opcode::{op, OPCODES};
use evm_core::{ExecStatus, Step, StepEnd, Tracer, U256};

use crate::error::Error;
use crate::limits::{COMMITMENT_DOMAIN, MAX_OPERANDS, MAX_ROW_BYTES};
use crate::row::{
    decode_row, encode_row, MemAccess, Row, Status, StorageAccess, StorageKind, Word,
};

/// The commitment to a trace: keccak256(`COMMITMENT_DOMAIN` ‖ encoded rows),
/// with the row and byte counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Digest {
    /// The hash.
    pub hash: [u8; 32],
    /// Rows absorbed.
    pub rows: u64,
    /// Bytes absorbed (without the domain separator).
    pub bytes: u64,
}

/// A running keccak256 over encoded rows, so a trace can be committed to
/// while it streams out and is never held whole.
#[derive(Clone)]
pub struct Commitment {
    keccak: Keccak256,
    rows: u64,
    bytes: u64,
}

impl core::fmt::Debug for Commitment {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Commitment")
            .field("rows", &self.rows)
            .field("bytes", &self.bytes)
            .finish_non_exhaustive()
    }
}

impl Default for Commitment {
    fn default() -> Self {
        Self::new()
    }
}

impl Commitment {
    /// An empty commitment (domain separator absorbed).
    pub fn new() -> Self {
        let mut keccak = Keccak256::new();
        keccak.update(COMMITMENT_DOMAIN);
        Self {
            keccak,
            rows: 0,
            bytes: 0,
        }
    }
    /// Absorbs one encoded row.
    pub fn absorb_row(&mut self, encoded: &[u8]) {
        self.keccak.update(encoded);
        self.rows += 1;
        self.bytes += encoded.len() as u64;
    }
    /// The digest so far.
    pub fn digest(&self) -> Digest {
        Digest {
            hash: self.keccak.clone().finalize(),
            rows: self.rows,
            bytes: self.bytes,
        }
    }
    /// Checks an encoded trace (every row canonical, clocks from 0) and commits to it.
    pub fn of_stream(mut bytes: &[u8]) -> Result<Digest, Error> {
        let mut c = Self::new();
        let mut clk = 0u32;
        while !bytes.is_empty() {
            let (row, rest) = decode_row(bytes)?;
            if row.clk != clk {
                return Err(Error::ClockMismatch {
                    got: row.clk,
                    expected: clk,
                });
            }
            c.absorb_row(bytes.get(..bytes.len() - rest.len()).unwrap_or(&[]));
            clk = clk.wrapping_add(1);
            bytes = rest;
        }
        Ok(c.digest())
    }
}

/// The row under construction between `step` and `step_end`.
#[derive(Debug)]
struct Pending {
    row: Row,
    outputs: u8,
}

/// A [`Tracer`] that turns every step into a [`Row`], encodes it with
/// postcard into `sink` and absorbs it into a [`Commitment`]. Needs no heap:
/// one row and a `MAX_ROW_BYTES` scratch buffer live in the writer.
///
/// The interpreter's hook cannot fail, so the first error (a full sink) is
/// kept, later rows are dropped, and [`TraceWriter::finish`] returns it.
#[derive(Debug)]
pub struct TraceWriter<K: Sink> {
    sink: K,
    commitment: Commitment,
    clk: u32,
    pending: Option<Pending>,
    error: Option<Error>,
    scratch: [u8; MAX_ROW_BYTES],
}

impl<K: Sink> TraceWriter<K>
where
    Error: From<K::Error>,
{
    /// A writer into `sink`.
    pub fn new(sink: K) -> Self {
        Self {
            sink,
            commitment: Commitment::new(),
            clk: 0,
            pending: None,
            error: None,
            scratch: [0; MAX_ROW_BYTES],
        }
    }
    /// The first error so far, if any.
    pub fn error(&self) -> Option<Error> {
        self.error
    }
    /// The sink (e.g. to read a [`SliceVec`](evm_core::buf::SliceVec)'s bytes).
    pub fn sink(&self) -> &K {
        &self.sink
    }
    /// The sink, mutable (e.g. to flush a streaming sink after the run).
    pub fn sink_mut(&mut self) -> &mut K {
        &mut self.sink
    }
    /// The digest of the rows written so far.
    pub fn digest(&self) -> Digest {
        self.commitment.digest()
    }
    /// The digest of a complete trace, or the first error; for a writer
    /// still inside an `Evm` (which [`TraceWriter::finish`] cannot take).
    pub fn result(&self) -> Result<Digest, Error> {
        match (self.error, &self.pending) {
            (Some(e), _) => Err(e),
            (None, Some(_)) => Err(Error::UnpairedStep),
            (None, None) => Ok(self.commitment.digest()),
        }
    }
    /// The digest and the sink, or the first error.
    pub fn finish(self) -> Result<(Digest, K), Error> {
        let digest = self.result()?;
        Ok((digest, self.sink))
    }

    fn emit(&mut self, row: &Row) -> Result<(), Error> {
        let enc = encode_row(row, &mut self.scratch)?;
        self.sink.put(enc)?;
        self.commitment.absorb_row(enc);
        Ok(())
    }
}

fn u32_of(v: &Word) -> Option<u32> {
    let (hi, lo) = v.0.split_at(28);
    if hi.iter().any(|b| *b != 0) {
        return None;
    }
    let mut b = [0u8; 4];
    b.copy_from_slice(lo);
    Some(u32::from_be_bytes(b))
}

/// The memory range an instruction touches, from its operands (top first).
/// Ranges that are empty or beyond 32 bits (which halt) are not recorded.
fn memory_access(opcode: u8, o: &[Word]) -> Option<MemAccess> {
    let (write, off, len) = match opcode {
        op::MLOAD => (false, o.first()?, None),
        op::MSTORE => (true, o.first()?, None),
        op::MSTORE8 => (true, o.first()?, Some(1)),
        op::KECCAK256 | op::RETURN | op::REVERT => (false, o.first()?, u32_of(o.get(1)?)),
        x if (op::LOG0..=op::LOG4).contains(&x) => (false, o.first()?, u32_of(o.get(1)?)),
        op::CALLDATACOPY | op::CODECOPY | op::RETURNDATACOPY | op::MCOPY => {
            (true, o.first()?, u32_of(o.get(2)?))
        }
        op::EXTCODECOPY => (true, o.get(1)?, u32_of(o.get(3)?)),
        _ => return None,
    };
    let len = match (opcode, len) {
        (op::MLOAD | op::MSTORE, _) => 32,
        (_, l) => l?,
    };
    if len == 0 {
        return None;
    }
    Some(MemAccess {
        write,
        offset: u32_of(off)?,
        len,
    })
}

impl<K: Sink> Tracer for TraceWriter<K>
where
    Error: From<K::Error>,
{
    fn step(&mut self, s: &Step<'_>) {
        if self.error.is_some() {
            return;
        }
        let info = &OPCODES[s.op as usize];
        let mut operands = heapless::Vec::<Word, MAX_OPERANDS>::new();
        for w in s
            .stack
            .iter()
            .rev()
            .take((info.inputs as usize).min(MAX_OPERANDS))
        {
            let _ = operands.push(Word::from(w));
        }
        let storage = match s.op {
            op::SLOAD | op::TLOAD => operands.first().map(|k| StorageAccess {
                kind: if s.op == op::SLOAD {
                    StorageKind::Load
                } else {
                    StorageKind::TransientLoad
                },
                address: s.address,
                key: *k,
                value: Word::ZERO,
            }),
            op::SSTORE | op::TSTORE => match (operands.first(), operands.get(1)) {
                (Some(k), Some(v)) => Some(StorageAccess {
                    kind: if s.op == op::SSTORE {
                        StorageKind::Store
                    } else {
                        StorageKind::TransientStore
                    },
                    address: s.address,
                    key: *k,
                    value: *v,
                }),
                _ => None,
            },
            _ => None,
        };
        let row = Row {
            clk: self.clk,
            pc: s.pc as u32,
            op: s.op,
            depth: s.depth as u16,
            gas: s.gas,
            gas_cost: 0,
            sp: s.stack.len() as u16,
            memory: memory_access(s.op, &operands),
            operands,
            result: None,
            storage,
            status: Status::Continue,
        };
        self.pending = Some(Pending {
            row,
            outputs: info.outputs,
        });
    }

    fn step_end(&mut self, e: &StepEnd<'_>) {
        if self.error.is_some() {
            return;
        }
        let Some(Pending { mut row, outputs }) = self.pending.take() else {
            self.error = Some(Error::UnpairedStep);
            return;
        };
        row.gas_cost = row.gas.saturating_sub(e.gas);
        row.status = match e.exit {
            None => Status::Continue,
            Some(ExecStatus::Success) => Status::Success,
            Some(ExecStatus::Revert) => Status::Revert,
            Some(ExecStatus::Halt(_)) => Status::Halt,
        };
        let is_call = matches!(
            row.op,
            op::CALL | op::CALLCODE | op::DELEGATECALL | op::STATICCALL | op::CREATE | op::CREATE2
        );
        if e.exit.is_none() && outputs > 0 && !is_call {
            row.result = e.stack.last().map(Word::from);
            if let (Some(st), Some(v)) = (row.storage.as_mut(), row.result) {
                st.value = v;
            }
        }
        let r = self.emit(&row);
        match (r, self.clk.checked_add(1)) {
            (Err(err), _) => self.error = Some(err),
            (Ok(()), None) => self.error = Some(Error::ClockOverflow),
            (Ok(()), Some(c)) => self.clk = c,
        }
    }
}

/// Converts a stack word for callers that build rows by hand.
pub fn word(v: &U256) -> Word {
    Word::from(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::row::RowReader;
    use evm_core::buf::{NullSink, SliceVec};

    fn step<'a>(pc: usize, opcode: u8, gas: u64, stack: &'a [U256]) -> Step<'a> {
        Step {
            pc,
            op: opcode,
            gas,
            depth: 0,
            address: [0xaa; 20],
            stack,
            memory: &[],
            refund: 0,
            return_data: &[],
        }
    }

    #[test]
    fn rows_round_trip_and_commit() {
        let mut buf = [0u8; 1024];
        let mut w = TraceWriter::new(SliceVec::new(&mut buf));
        let s = [U256::from(7), U256::from(0x40)];
        w.step(&step(0, op::MSTORE, 100, &s));
        w.step_end(&StepEnd {
            gas: 91,
            stack: &[],
            refund: 0,
            exit: None,
        });
        let s = [U256::from(1)];
        w.step(&step(1, op::SLOAD, 91, &s));
        w.step_end(&StepEnd {
            gas: 0,
            stack: &[U256::from(5)],
            refund: 0,
            exit: None,
        });
        let (digest, sink) = w.finish().unwrap();
        let bytes = sink.as_slice().to_vec();
        let rows: Vec<Row> = RowReader::new(&bytes).collect::<Result<_, _>>().unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].gas_cost, 9);
        assert_eq!(
            rows[0].memory,
            Some(MemAccess {
                write: true,
                offset: 0x40,
                len: 32
            })
        );
        assert_eq!(rows[0].operands[1], Word::from(&U256::from(7)));
        let st = rows[1].storage.unwrap();
        assert_eq!(
            (st.kind, st.value),
            (StorageKind::Load, Word::from(&U256::from(5)))
        );
        assert_eq!(rows[1].result, Some(Word::from(&U256::from(5))));
        assert_eq!(Commitment::of_stream(&bytes), Ok(digest));
        assert_eq!(digest.rows, 2);
        let mut flipped = bytes.clone();
        flipped[2] ^= 1;
        assert_ne!(
            Commitment::of_stream(&flipped).map(|d| d.hash),
            Ok(digest.hash)
        );
    }

    /// A world for running the real interpreter: a funded caller, a
    /// contract and, when `lib` is not empty, a library contract at `LIB`.
    struct World {
        code: Vec<u8>,
        hash: [u8; 32],
        lib: Vec<u8>,
    }

    const CALLER: evm_core::Address = [0xca; 20];
    const CONTRACT: evm_core::Address = [0xaa; 20];
    const LIB: evm_core::Address = [0xbb; 20];

    impl evm_core::State for World {
        type Error = ();
        fn account(&self, a: &evm_core::Address) -> Result<Option<evm_core::AccountInfo>, ()> {
            Ok(match *a {
                CALLER => Some(evm_core::AccountInfo {
                    nonce: 0,
                    balance: U256::from(10u64).pow(U256::from(18)),
                    code_hash: evm_core::KECCAK_EMPTY,
                }),
                CONTRACT => Some(evm_core::AccountInfo {
                    nonce: 1,
                    balance: U256::ZERO,
                    code_hash: self.hash,
                }),
                LIB if !self.lib.is_empty() => Some(evm_core::AccountInfo {
                    nonce: 1,
                    balance: U256::ZERO,
                    code_hash: evm_core::keccak256(&self.lib),
                }),
                _ => None,
            })
        }
        fn code(&self, h: &[u8; 32]) -> Result<&[u8], ()> {
            Ok(if *h == self.hash {
                &self.code
            } else if *h == evm_core::keccak256(&self.lib) {
                &self.lib
            } else {
                &[]
            })
        }
        fn storage(&self, _: &evm_core::Address, _: &U256) -> Result<U256, ()> {
            Ok(U256::ZERO)
        }
        fn block_hash(&self, _: u64) -> Result<[u8; 32], ()> {
            Ok([0; 32])
        }
    }

    /// The reference the device must reproduce: the commitment of a fixed
    /// program's trace, written into a fixed buffer by the real interpreter.
    #[test]
    fn known_answer_commitment_of_a_real_trace() {
        // 2 3 ADD; 0 MSTORE; 5 1 SSTORE; 1 SLOAD POP; 0x20 0 RETURN
        let code = vec![
            0x60, 0x02, 0x60, 0x03, 0x01, 0x60, 0x00, 0x52, 0x60, 0x05, 0x60, 0x01, 0x55, 0x60,
            0x01, 0x54, 0x50, 0x60, 0x20, 0x60, 0x00, 0xf3,
        ];
        let hash = evm_core::keccak256(&code);
        let world = World {
            code,
            hash,
            lib: Vec::new(),
        };
        let mut bufs = evm_core::HeapBuffers::new(&evm_core::Limits::DEVICE);
        let mut buf = [0u8; 1024];
        let mut evm = evm_core::Evm::with_tracer(
            &world,
            bufs.buffers(),
            TraceWriter::new(SliceVec::new(&mut buf)),
        );
        let block = evm_core::BlockEnv {
            number: 1,
            coinbase: [0xc0; 20],
            timestamp: 1,
            gas_limit: 30_000_000,
            base_fee: U256::from(7),
            prev_randao: [0; 32],
            excess_blob_gas: 0,
            chain_id: 1,
        };
        let tx = evm_core::TxEnv {
            caller: CALLER,
            to: Some(CONTRACT),
            value: U256::ZERO,
            data: &[],
            gas_limit: 100_000,
            nonce: 0,
            max_fee_per_gas: U256::from(10),
            max_priority_fee_per_gas: Some(U256::from(1)),
            access_list: &[],
            blob_hashes: &[],
            max_fee_per_blob_gas: None,
            authorization_list: None,
        };
        let out = evm.transact(&block, &tx).unwrap();
        assert_eq!(out.status, ExecStatus::Success);
        let w = evm.tracer_mut();
        assert_eq!(w.error(), None);
        let digest = w.digest();
        let bytes = w.sink().as_slice().to_vec();
        let rows: Vec<Row> = RowReader::new(&bytes).collect::<Result<_, _>>().unwrap();
        let ops: Vec<u8> = rows.iter().map(|r| r.op).collect();
        assert_eq!(
            ops,
            [0x60, 0x60, 0x01, 0x60, 0x52, 0x60, 0x60, 0x55, 0x60, 0x54, 0x50, 0x60, 0x60, 0xf3]
        );
        assert_eq!(rows[2].result, Some(Word::from(&U256::from(5))));
        assert_eq!(rows[7].storage.map(|s| s.kind), Some(StorageKind::Store));
        assert_eq!(rows[9].result, Some(Word::from(&U256::from(5))));
        // The storage records name the contract whose storage they touch.
        for i in [7, 9] {
            assert_eq!(
                rows[i].storage.map(|s| s.address),
                Some(CONTRACT),
                "row {i}"
            );
        }
        assert_eq!(rows[13].status, Status::Success);
        assert_eq!(Commitment::of_stream(&bytes), Ok(digest));
        let hex: String = digest.hash.iter().map(|b| format!("{b:02x}")).collect();
        println!(
            "rows {} bytes {} commitment 0x{hex}",
            digest.rows, digest.bytes
        );
        assert_eq!((digest.rows, digest.bytes), (14, KNOWN_BYTES));
        assert_eq!(hex, KNOWN_COMMITMENT);
    }

    /// A storage record names the frame's ADDRESS: the library's own for a
    /// CALL into it, the calling contract's for a DELEGATECALL.
    #[test]
    fn storage_records_name_the_storage_account() {
        // The library: 5 1 SSTORE STOP.
        let lib = vec![0x60, 0x05, 0x60, 0x01, 0x55, 0x00];
        for (call, value_arg, owner) in [(op::CALL, true, LIB), (op::DELEGATECALL, false, CONTRACT)]
        {
            // 0 0 0 0 [0] PUSH20 LIB GAS <call> POP STOP
            let mut code = vec![0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0];
            if value_arg {
                code.extend([0x60, 0]);
            }
            code.push(0x73);
            code.extend(LIB);
            code.extend([0x5a, call, 0x50, 0x00]);
            let hash = evm_core::keccak256(&code);
            let world = World {
                code,
                hash,
                lib: lib.clone(),
            };
            let mut bufs = evm_core::HeapBuffers::new(&evm_core::Limits::DEVICE);
            let mut buf = [0u8; 2048];
            let writer = TraceWriter::new(SliceVec::new(&mut buf));
            let mut evm = evm_core::Evm::with_tracer(&world, bufs.buffers(), writer);
            let tx = evm_core::TxEnv {
                caller: CALLER,
                to: Some(CONTRACT),
                gas_limit: 100_000,
                max_fee_per_gas: U256::from(10),
                ..evm_core::TxEnv::default()
            };
            let block = evm_core::BlockEnv {
                gas_limit: 30_000_000,
                base_fee: U256::from(7),
                ..evm_core::BlockEnv::default()
            };
            let out = evm.transact(&block, &tx).unwrap();
            assert_eq!(out.status, ExecStatus::Success);
            let w = evm.tracer_mut();
            assert_eq!(w.result().map(|d| d.rows > 0), Ok(true));
            let rows: Vec<Row> = RowReader::new(w.sink().as_slice())
                .collect::<Result<_, _>>()
                .unwrap();
            let stores: Vec<_> = rows.iter().filter_map(|r| r.storage).collect();
            assert_eq!(stores.len(), 1, "{call:#x}");
            assert_eq!(stores[0].kind, StorageKind::Store);
            assert_eq!(stores[0].address, owner, "{call:#x}");
        }
    }

    const KNOWN_BYTES: u64 = 290;
    const KNOWN_COMMITMENT: &str =
        "ef346fdf3fc25075f3c612b70bf28517458184d50305b7f403b16101ca0496bc";

    #[test]
    fn full_sink_is_an_error_not_a_truncation() {
        let mut buf = [0u8; 4];
        let mut w = TraceWriter::new(SliceVec::new(&mut buf));
        w.step(&step(0, op::STOP, 10, &[]));
        w.step_end(&StepEnd {
            gas: 10,
            stack: &[],
            refund: 0,
            exit: Some(ExecStatus::Success),
        });
        assert!(matches!(
            w.finish(),
            Err(Error::SinkFull { expected: 4, .. })
        ));
    }

    #[test]
    fn unpaired_step_end_is_reported() {
        let mut w = TraceWriter::new(NullSink);
        w.step_end(&StepEnd {
            gas: 0,
            stack: &[],
            refund: 0,
            exit: None,
        });
        assert_eq!(w.finish().err(), Some(Error::UnpairedStep));
    }
}
