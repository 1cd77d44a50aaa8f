//! The messages: what the host may ask and what the device answers.

use serde::{Deserialize, Serialize};

use crate::error::FrameError;
#[cfg(doc)]
use crate::limits::MAX_EXEC_SLOTS;
use crate::limits::{
    MAX_EXEC_ACCOUNTS, MAX_EXEC_OUTPUT, MAX_EXEC_WRITES, MAX_QUERY_PROOF_NODES, MAX_QUERY_SLOTS,
};
use crate::stark::{StarkFault, StarkSummary};
use crate::wallet::{WalletError, WalletRequest, WalletResponse};

/// Version of this protocol, reported in [`Response::Pong`].
pub const PROTOCOL_VERSION: u16 = 5;

/// A request from the host. The device answers every non-empty frame with
/// exactly one [`Response`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Request<'a> {
    /// Liveness check; answered with [`Response::Pong`].
    Ping,
    /// Heap figures and build identity; answered with [`Response::Info`].
    Info,
    /// Run a routine and count the instructions it took; answered with
    /// [`Response::Measured`].
    #[serde(borrow)]
    Measure(Routine<'a>),
    /// Test hook (firmware built with `test-hooks` only): panic on purpose.
    Panic,
    /// Test hook (firmware built with `test-hooks` only): end the emulator
    /// with this exit code after answering [`Response::Bye`].
    Exit {
        /// Process exit code passed to QEMU.
        code: u8,
    },
    /// Append `data` to the device's staging area, for inputs larger than a
    /// frame. `offset` must equal the bytes staged so far; `0` starts over.
    /// Answered with [`Response::Staged`].
    Stage {
        /// Where `data` goes; must be the current staged length, or 0.
        offset: u32,
        /// The bytes.
        data: &'a [u8],
    },
    /// Verify the [`ProofQuery`] in the staging area (postcard-encoded);
    /// answered with [`Response::ProofVerified`] or [`Response::Rejected`].
    VerifyProof,
    /// Execute the [`ExecQuery`] in the staging area (postcard-encoded) in the
    /// device's EVM; answered with [`Response::Executed`] or
    /// [`Response::Rejected`] (an invalid transaction or a device limit).
    /// With [`TraceMode::Stream`], [`Response::TraceRows`] frames come first.
    Execute {
        /// Whether and how the device traces the execution.
        trace: TraceMode,
    },
    /// Parse and verify the STARK proof file (`verifier::Proof` bytes) in the
    /// staging area; answered with [`Response::StarkVerified`] or
    /// [`Response::Rejected`] with [`Rejection::InvalidStark`].
    VerifyStark,
    /// A wallet request (keys, signing, the user's answer); answered with
    /// [`Response::Wallet`] or [`Response::Error`] ([`ErrorCode::Wallet`]).
    Wallet(WalletRequest<'a>),
}

/// What the device does with the execution trace of a [`Request::Execute`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum TraceMode {
    /// No trace: the untraced interpreter runs.
    #[default]
    Off,
    /// Encode every row and commit to it; report the [`TraceDigest`] only.
    /// The instruction count includes the tracing.
    Commit,
    /// Also send the encoded rows to the host, in [`Response::TraceRows`]
    /// frames before the [`Response::Executed`] (not measured: the UART time
    /// would dominate).
    Stream,
}

/// The commitment to a device's execution trace (evm-trace's row encoding):
/// keccak256 of the domain separator and the encoded rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct TraceDigest {
    /// The commitment.
    pub hash: [u8; 32],
    /// Rows (executed instructions) committed.
    pub rows: u64,
    /// Encoded bytes committed.
    pub bytes: u64,
}

impl Request<'_> {
    /// Number of request variants; a body whose variant index is at or above
    /// this is [`FrameError::UnknownMessage`].
    pub const VARIANTS: u32 = 10;
}

/// A transaction and the complete pre-state it runs on, for the device to
/// execute. Staged with [`Request::Stage`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecQuery<'a> {
    /// The block the transaction is in.
    pub block: BlockQuery,
    /// Every account the transaction may touch, with code and storage.
    #[serde(borrow)]
    pub accounts: heapless::Vec<AccountQuery<'a>, MAX_EXEC_ACCOUNTS>,
    /// The transaction.
    pub tx: TxQuery<'a>,
}

/// Block values of an [`ExecQuery`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockQuery {
    /// Block number.
    pub number: u64,
    /// Timestamp.
    pub timestamp: u64,
    /// Gas limit.
    pub gas_limit: u64,
    /// Base fee per gas, big-endian.
    pub base_fee: [u8; 32],
    /// Fee recipient.
    pub coinbase: [u8; 20],
    /// Chain id.
    pub chain_id: u64,
}

/// One pre-state account of an [`ExecQuery`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountQuery<'a> {
    /// Address.
    pub address: [u8; 20],
    /// Nonce.
    pub nonce: u64,
    /// Balance, big-endian.
    pub balance: [u8; 32],
    /// Code (empty for none).
    pub code: &'a [u8],
    /// Storage: concatenated 64-byte `slot ‖ value` pairs (big-endian), at
    /// most [`MAX_EXEC_SLOTS`]; borrowed from the staged bytes, so a query
    /// costs no stack for its storage.
    pub storage: &'a [u8],
}

/// Bytes of one `slot ‖ value` pair in [`AccountQuery::storage`].
pub const STORAGE_PAIR: usize = 64;

/// The transaction of an [`ExecQuery`] (EIP-1559 fields; legacy when
/// `max_priority_fee` is `None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxQuery<'a> {
    /// Sender.
    pub caller: [u8; 20],
    /// Recipient; `None` creates a contract.
    pub to: Option<[u8; 20]>,
    /// Value, big-endian.
    pub value: [u8; 32],
    /// Call data or initcode.
    pub data: &'a [u8],
    /// Gas limit.
    pub gas_limit: u64,
    /// Sender nonce.
    pub nonce: u64,
    /// Gas price (legacy) or max fee per gas, big-endian.
    pub max_fee: [u8; 32],
    /// Max priority fee per gas (EIP-1559), big-endian.
    pub max_priority_fee: Option<[u8; 32]>,
}

/// How an executed transaction ended (an EVM result, not a device limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ExecOutcome {
    /// The call or creation succeeded.
    Success,
    /// The top frame reverted (REVERT).
    Revert,
    /// The top frame halted exceptionally (out of gas, invalid opcode, …).
    Halt,
}

impl ExecOutcome {
    /// Lower-case name, as tools print it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Revert => "revert",
            Self::Halt => "halt",
        }
    }
}

/// Why the device refused the content of a well-formed request. A device
/// limit is never reported as an EVM result: it is one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Rejection {
    /// The proof does not hold under the state root.
    InvalidProof,
    /// The query decodes but is inconsistent (storage not in whole pairs, too many slots).
    InvalidQuery,
    /// The transaction is invalid: the EVM refuses it before running it.
    InvalidTransaction,
    /// The transaction's gas limit is above what this device executes.
    GasAboveCap {
        /// Gas limit of the transaction.
        got: u64,
        /// The device's cap.
        limit: u64,
    },
    /// A capacity of this device (a buffer, EVM memory, a precompile it
    /// lacks) was reached: the result is unknown here.
    DeviceLimit,
    /// The execution used up the device's time budget.
    TimeBudget,
    /// The pre-state could not be read.
    State,
    /// The trace could not be produced or sent.
    Trace,
    /// A STARK proof file that does not verify, and why.
    InvalidStark(StarkFault),
}

impl Rejection {
    /// A short description, as a display shows it.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::InvalidProof => "invalid proof",
            Self::InvalidQuery => "invalid query",
            Self::InvalidTransaction => "invalid transaction",
            Self::GasAboveCap { .. } => "gas limit above the device cap",
            Self::DeviceLimit => "cannot simulate: device limit",
            Self::TimeBudget => "cannot simulate: time budget exceeded",
            Self::State => "state unreadable",
            Self::Trace => "trace failed",
            Self::InvalidStark(_) => "invalid STARK proof",
        }
    }
}

impl core::fmt::Display for Rejection {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::GasAboveCap { got, limit } => {
                write!(f, "gas limit {got} above the device cap of {limit}")
            }
            Self::InvalidStark(fault) => write!(f, "invalid STARK proof: {fault}"),
            other => f.write_str(other.as_str()),
        }
    }
}

/// What executing an [`ExecQuery`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecSummary {
    /// How the transaction ended.
    pub status: ExecOutcome,
    /// Gas used by the transaction (after refunds).
    pub gas_used: u64,
    /// Gas refunded.
    pub gas_refunded: u64,
    /// Output length in bytes.
    pub output_len: u32,
    /// The output, if at most [`MAX_EXEC_OUTPUT`] bytes (else empty).
    pub output: heapless::Vec<u8, MAX_EXEC_OUTPUT>,
    /// keccak256 of the output.
    pub output_hash: [u8; 32],
    /// Number of logs emitted.
    pub logs: u32,
    /// Storage slots whose value changed `(address, slot, new value)`.
    pub writes: heapless::Vec<([u8; 20], [u8; 32], [u8; 32]), MAX_EXEC_WRITES>,
    /// Instructions the transaction took on the device (state set-up
    /// excluded; tracing included); `None` when not measured
    /// ([`TraceMode::Stream`]).
    pub instructions: Option<u64>,
    /// The trace commitment, when the request asked for a trace.
    pub trace: Option<TraceDigest>,
}

impl ExecSummary {
    /// The summary of a finished run, before its storage writes (added to
    /// [`ExecSummary::writes`]), instruction count and trace digest: `output`
    /// is kept when it is at most [`MAX_EXEC_OUTPUT`] bytes, and its length
    /// and the log count saturate at `u32::MAX`.
    pub fn new(
        status: ExecOutcome,
        gas_used: u64,
        gas_refunded: u64,
        output: &[u8],
        output_hash: [u8; 32],
        logs: usize,
    ) -> Self {
        Self {
            status,
            gas_used,
            gas_refunded,
            output_len: u32::try_from(output.len()).unwrap_or(u32::MAX),
            output: heapless::Vec::from_slice(output).unwrap_or_default(),
            output_hash,
            logs: u32::try_from(logs).unwrap_or(u32::MAX),
            writes: heapless::Vec::new(),
            instructions: None,
            trace: None,
        }
    }
}

/// An EIP-1186 proof to check on the device: an account and some of its
/// storage slots under a state root. Staged with [`Request::Stage`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofQuery<'a> {
    /// The state root the device checks against.
    pub state_root: [u8; 32],
    /// The account.
    pub address: [u8; 20],
    /// Encoded trie nodes from the state root to the account.
    #[serde(borrow)]
    pub account_proof: heapless::Vec<&'a [u8], MAX_QUERY_PROOF_NODES>,
    /// Storage proofs under the account's storage root.
    pub storage: heapless::Vec<StorageQuery<'a>, MAX_QUERY_SLOTS>,
}

/// One storage slot of a [`ProofQuery`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageQuery<'a> {
    /// The slot, big-endian.
    pub slot: [u8; 32],
    /// Encoded trie nodes from the storage root to the slot.
    #[serde(borrow)]
    pub proof: heapless::Vec<&'a [u8], MAX_QUERY_PROOF_NODES>,
}

/// What a [`ProofQuery`] proved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvenAccount {
    /// Whether the account exists (if not, everything below is zero/empty).
    pub exists: bool,
    /// Nonce.
    pub nonce: u64,
    /// Balance in wei, big-endian.
    pub balance: [u8; 32],
    /// Storage root.
    pub storage_root: [u8; 32],
    /// Code hash.
    pub code_hash: [u8; 32],
    /// Proven value of each queried slot, big-endian, in query order.
    pub slots: heapless::Vec<[u8; 32], MAX_QUERY_SLOTS>,
    /// Instructions the verification took on the device.
    pub instructions: u64,
}

/// A routine the device can time deterministically.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Routine<'a> {
    /// keccak256 of the given bytes (at most [`crate::limits::MAX_ROUTINE_INPUT`]).
    Keccak256 {
        /// Input to hash.
        data: &'a [u8],
    },
    /// The ecrecover precompile (0x01) of the EVM on `input` (hash ‖ v ‖ r ‖ s,
    /// 128 bytes); output: the 32-byte left-padded address, or nothing.
    EcRecover {
        /// Precompile input.
        input: &'a [u8],
    },
    /// secp256k1 ECDSA signature (RFC 6979, low-s) of `digest` with the
    /// public benchmark key [`crate::limits::BENCH_SECRET_KEY`] — never the
    /// device's own key; output: r ‖ s ‖ recovery id (65 bytes).
    Sign {
        /// The 32-byte message digest.
        digest: [u8; 32],
    },
    /// The EIP-2537 BLS12-381 precompile at `address` (0x0b–0x11) on `input`
    /// (at most [`crate::limits::MAX_ROUTINE_INPUT`] bytes), with all the gas
    /// it asks for; output: the keccak256 of its output (32 bytes), or
    /// nothing if the input is invalid.
    Bls12 {
        /// Precompile address (its last byte).
        address: u8,
        /// Precompile input.
        input: &'a [u8],
    },
    /// The EIP-7951 P256VERIFY precompile (0x100, Osaka) on `input`
    /// (hash ‖ r ‖ s ‖ qx ‖ qy, 160 bytes; at most
    /// [`crate::limits::MAX_ROUTINE_INPUT`]); output: the 32-byte word 1 for a
    /// valid signature, or nothing.
    P256Verify {
        /// Precompile input.
        input: &'a [u8],
    },
    /// Test hook (firmware built with `test-hooks` only): a busy loop of
    /// `iterations` rounds, for checking the instruction clock on long runs.
    Spin {
        /// Loop rounds.
        iterations: u32,
    },
}

/// Heap and build figures of the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceInfo<'a> {
    /// Bytes reserved for the heap.
    pub heap_size: u32,
    /// Bytes of heap in use now.
    pub heap_used: u32,
    /// Most heap bytes ever in use since boot.
    pub heap_peak: u32,
    /// Bytes reserved for the main stack.
    pub stack_size: u32,
    /// Most stack bytes ever used since boot (from the painted stack).
    pub stack_peak: u32,
    /// Firmware version and commit it was built from.
    pub build_id: &'a str,
}

/// The device's answer to one frame.
// One response exists at a time, on the stack, and no_std has no Box: the
// size of the largest variant (a proven account with its slots) is accepted.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Response<'a> {
    /// Answer to [`Request::Ping`].
    Pong {
        /// [`PROTOCOL_VERSION`] of the device.
        version: u16,
    },
    /// Answer to [`Request::Info`].
    #[serde(borrow)]
    Info(DeviceInfo<'a>),
    /// Answer to [`Request::Measure`].
    Measured {
        /// Instructions the routine took, counted on the device's clock.
        instructions: u64,
        /// Granularity of `instructions` (the count is a multiple of it).
        resolution: u32,
        /// The routine's output (a digest for `Keccak256`).
        output: &'a [u8],
    },
    /// Answer to [`Request::Exit`], sent just before the device stops.
    Bye,
    /// The frame or request could not be served; the device keeps serving.
    Error(ErrorCode),
    /// Answer to [`Request::Stage`]: bytes staged so far.
    Staged {
        /// Staged length.
        len: u32,
    },
    /// Answer to [`Request::VerifyProof`] when the proof holds.
    ProofVerified(ProvenAccount),
    /// The request was well-formed but its content was refused (a proof
    /// that does not verify, an invalid transaction, a device limit).
    Rejected {
        /// Why, as a type.
        kind: Rejection,
        /// The details, for a person (at most [`crate::limits::MAX_REASON`] bytes).
        reason: &'a str,
    },
    /// Answer to [`Request::Execute`].
    Executed(ExecSummary),
    /// Encoded trace rows of a [`TraceMode::Stream`] execution, in order,
    /// before its [`Response::Executed`]; a chunk holds whole rows.
    TraceRows {
        /// Trace bytes sent before this chunk.
        offset: u64,
        /// The rows (at most [`crate::limits::MAX_TRACE_CHUNK`] bytes).
        data: &'a [u8],
    },
    /// Answer to [`Request::VerifyStark`] when the proof holds.
    StarkVerified(StarkSummary),
    /// Answer to [`Request::Wallet`].
    Wallet(WalletResponse<'a>),
}

impl Response<'_> {
    /// Number of response variants.
    pub const VARIANTS: u32 = 12;
}

/// Why a request was not served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum ErrorCode {
    /// The frame itself was bad.
    Frame(FrameError),
    /// The request exists but this firmware build does not serve it.
    Unsupported,
    /// An input exceeded its limit.
    InputTooLarge {
        /// Bytes sent.
        got: u32,
        /// The largest accepted.
        limit: u32,
    },
    /// A [`Request::Stage`] offset other than the staged length (or 0).
    StageOutOfOrder {
        /// Offset sent.
        got: u32,
        /// Bytes staged so far.
        expected: u32,
    },
    /// The staged bytes are not the message the request needs.
    BadStagedInput(FrameError),
    /// A wallet request was refused (and any pending request dropped).
    Wallet(WalletError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_count_matches_last_variant() {
        let mut buf = [0u8; 8];
        let request = Request::Wallet(WalletRequest::Confirm { id: 0 });
        let used = postcard::to_slice(&request, &mut buf).unwrap();
        assert_eq!(u32::from(used[0]) + 1, Request::VARIANTS);
    }

    #[test]
    fn proof_query_roundtrips_borrowing_its_nodes() {
        let nodes: [&[u8]; 2] = [&[0xc0], &[0x80, 1, 2]];
        let query = ProofQuery {
            state_root: [7; 32],
            address: [9; 20],
            account_proof: heapless::Vec::from_slice(&nodes).unwrap(),
            storage: heapless::Vec::from_slice(&[StorageQuery {
                slot: [1; 32],
                proof: heapless::Vec::from_slice(&nodes[..1]).unwrap(),
            }])
            .unwrap(),
        };
        let bytes = postcard::to_allocvec(&query).unwrap();
        let back: ProofQuery<'_> = crate::decode_exact(&bytes).unwrap();
        assert_eq!(back, query);
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(
            crate::decode_exact::<ProofQuery<'_>>(&longer),
            Err(FrameError::TrailingBytes { got: 1 })
        );
    }
}
