//! Execution traces for the device tests: the known-answer program, and the
//! device's answers checked against the host's own run ([`crate::host`]).

use evm_trace::Commitment;
use protocol::{ExecSummary, TraceDigest, TraceMode};

use crate::benchmarks::{BenchCase, PreAccount};
use crate::{Device, Reply, Result};

/// Commitment of the known-answer program's trace; the same constant is
/// checked by evm-trace's `writer::tests::known_answer_commitment_of_a_real_trace`.
pub const KNOWN_ANSWER_COMMITMENT: [u8; 32] = [
    0xef, 0x34, 0x6f, 0xdf, 0x3f, 0xc2, 0x50, 0x75, 0xf3, 0xc6, 0x12, 0xb7, 0x0b, 0xf2, 0x85, 0x17,
    0x45, 0x81, 0x84, 0xd5, 0x03, 0x05, 0xb7, 0xf4, 0x03, 0xb1, 0x61, 0x01, 0xca, 0x04, 0x96, 0xbc,
];

/// Rows and bytes of the known-answer trace.
pub const KNOWN_ANSWER_SIZE: (u64, u64) = (14, 290);

/// The known-answer program (`2 3 ADD; 0 MSTORE; 5 1 SSTORE; 1 SLOAD POP;
/// 0x20 0 RETURN`) called by a funded account, as in evm-trace's test.
pub fn known_answer_case() -> BenchCase {
    let code = vec![
        0x60, 0x02, 0x60, 0x03, 0x01, 0x60, 0x00, 0x52, 0x60, 0x05, 0x60, 0x01, 0x55, 0x60, 0x01,
        0x54, 0x50, 0x60, 0x20, 0x60, 0x00, 0xf3,
    ];
    let word = |n: u64| evm_core::U256::from(n).to_be_bytes::<32>();
    let caller = [0xca; 20];
    let contract = [0xaa; 20];
    BenchCase {
        name: "known-answer program".to_owned(),
        accounts: vec![
            PreAccount {
                address: caller,
                nonce: 0,
                balance: word(1_000_000_000_000_000_000),
                code: Vec::new(),
            },
            PreAccount {
                address: contract,
                nonce: 1,
                balance: word(0),
                code,
            },
        ],
        block: protocol::BlockQuery {
            number: 1,
            timestamp: 1,
            gas_limit: 30_000_000,
            base_fee: word(7),
            coinbase: [0xc0; 20],
            chain_id: 1,
        },
        caller,
        to: contract,
        nonce: 0,
        data: Vec::new(),
        gas_limit: 100_000,
        gas_price: word(10),
        value: word(0),
    }
}

/// Run an execution query on the host (x86-64) with evm-core, evm-state and
/// evm-trace directly, independently of the firmware ([`crate::host::execute`]):
/// the answer the device must give and the trace rows it must stream.
pub fn execute_on_host(query: &[u8], trace: TraceMode) -> Result<(Reply, Vec<u8>)> {
    crate::host::execute(query, trace)
}

/// Check that `rows` is a canonical trace whose commitment is `digest`.
pub fn check_rows(rows: &[u8], digest: &protocol::TraceDigest) -> Result<()> {
    let d = Commitment::of_stream(rows).map_err(|e| format!("streamed rows: {e}"))?;
    if (d.hash, d.rows, d.bytes) == (digest.hash, digest.rows, digest.bytes) {
        Ok(())
    } else {
        Err(format!(
            "streamed rows commit to {d:?}, the summary says {digest:?}"
        ))
    }
}

/// What tracing one query cost on the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceFigures {
    /// Instructions of the untraced run.
    pub untraced: u64,
    /// Instructions of the run with rows encoded and committed.
    pub committed: u64,
    /// The trace commitment (equal on device and host).
    pub digest: TraceDigest,
}

impl TraceFigures {
    /// Extra instructions per row.
    pub fn per_row(&self) -> f64 {
        self.committed.saturating_sub(self.untraced) as f64 / self.digest.rows.max(1) as f64
    }
    /// Encoded bytes per row.
    pub fn bytes_per_row(&self) -> f64 {
        self.digest.bytes as f64 / self.digest.rows.max(1) as f64
    }
}

fn executed(reply: Reply, what: &str) -> Result<Box<ExecSummary>> {
    match reply {
        Reply::Executed(summary) => Ok(summary),
        other => Err(format!("{what}: {other:?}")),
    }
}

/// Run `query` on the device untraced, committed and streamed, and on the
/// host's own path ([`execute_on_host`]): the results must be the same, the
/// streamed rows must commit to the digest, and the host's result, rows and
/// digest must equal the device's.
pub fn check_on_device(device: &mut Device, query: &[u8], what: &str) -> Result<TraceFigures> {
    let off = executed(device.execute(query)?, what)?;
    let (commit, sent) = device.execute_traced(query, TraceMode::Commit)?;
    if !sent.is_empty() {
        return Err(format!("{what}: rows sent in commit mode"));
    }
    let commit = executed(commit, what)?;
    let (stream, rows) = device.execute_traced(query, TraceMode::Stream)?;
    let stream = executed(stream, what)?;
    let digest = commit.trace.ok_or_else(|| format!("{what}: no digest"))?;
    if stream.trace != Some(digest) || off.trace.is_some() || stream.instructions.is_some() {
        return Err(format!("{what}: commit {commit:?}, stream {stream:?}"));
    }
    check_rows(&rows, &digest)?;
    for traced in [&commit, &stream] {
        if (traced.status, traced.gas_used, traced.output_hash)
            != (off.status, off.gas_used, off.output_hash)
        {
            return Err(format!("{what}: tracing changed the result"));
        }
    }
    let (host, host_rows) = execute_on_host(query, TraceMode::Stream)?;
    let host = executed(host, what)?;
    if host.trace != Some(digest) || host_rows != rows {
        return Err(format!(
            "{what}: host trace {:?} ({} bytes) differs from the device's {digest:?}",
            host.trace,
            host_rows.len()
        ));
    }
    let result = |s: &ExecSummary| {
        (
            s.status,
            s.gas_used,
            s.gas_refunded,
            s.output_len,
            s.output_hash,
            s.logs,
            s.writes.clone(),
        )
    };
    if result(&host) != result(&off) {
        return Err(format!(
            "{what}: the host's result {host:?} differs from the device's {off:?}"
        ));
    }
    Ok(TraceFigures {
        untraced: off.instructions.ok_or("untraced run not measured")?,
        committed: commit.instructions.ok_or("committed run not measured")?,
        digest,
    })
}
