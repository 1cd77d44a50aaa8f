//! Sizes of the wire protocol: every buffer a frame passes through is bounded here.

/// Largest decoded frame body: the postcard message plus its 4-byte CRC.
pub const MAX_PAYLOAD: usize = 4096;

/// Bytes of the CRC-32 trailer inside a decoded frame.
pub const CRC_LEN: usize = 4;

/// Largest COBS-encoded frame, without its `0x00` delimiter.
pub const MAX_ENCODED: usize = MAX_PAYLOAD + MAX_PAYLOAD / 254 + 1;

/// Largest frame on the wire, delimiter included.
pub const MAX_WIRE_FRAME: usize = MAX_ENCODED + 1;

/// Longest build identifier a device reports.
pub const MAX_BUILD_ID: usize = 64;

/// Largest input accepted by a measured routine.
pub const MAX_ROUTINE_INPUT: usize = 2048;

/// Largest input a host may stage on the device (for inputs larger than a
/// frame): 256 KiB, room for a STARK proof file (the verifier's shape check
/// caps the STARK bytes at 192 KiB; the public inputs come beside them).
/// A board may stage less (the nRF52840 build: 32 KiB).
pub const MAX_STAGED: usize = 256 * 1024;

/// The most gas one device execution may use: 2^24, the EIP-7825 cap on a
/// transaction's gas limit. A query asking for more is refused before it runs
/// ([`crate::Rejection::GasAboveCap`]), so a host cannot buy an unbounded run
/// with a huge gas limit and zero fees.
pub const MAX_TX_GAS: u64 = 1 << 24;

/// Most proof nodes in one account or storage proof of a [`crate::ProofQuery`].
pub const MAX_QUERY_PROOF_NODES: usize = 16;

/// Most storage slots in one [`crate::ProofQuery`].
pub const MAX_QUERY_SLOTS: usize = 8;

/// The secret key of [`crate::Routine::Sign`]: a public, fixed benchmark key
/// (so host and device agree on signatures), never a device key.
pub const BENCH_SECRET_KEY: [u8; 32] = [0x11; 32];

/// Most accounts in one [`crate::ExecQuery`] pre-state.
pub const MAX_EXEC_ACCOUNTS: usize = 16;

/// Most storage slots per account in one [`crate::ExecQuery`] pre-state.
pub const MAX_EXEC_SLOTS: usize = 32;

/// Most storage writes reported in one [`crate::ExecSummary`].
pub const MAX_EXEC_WRITES: usize = 32;

/// Most output bytes reported in one [`crate::ExecSummary`] (longer output is
/// summarised by its length and keccak256).
pub const MAX_EXEC_OUTPUT: usize = 256;

/// Largest chunk of trace rows in one [`crate::Response::TraceRows`]
/// (fits a frame with its header).
pub const MAX_TRACE_CHUNK: usize = 3072;

/// Longest rejection reason a device sends.
pub const MAX_REASON: usize = 128;

/// `-icount shift` the QEMU firmware is run with: 2^7 ns of virtual time per
/// instruction, which makes the 25 MHz timer tick 3.2 times per instruction
/// and the firmware's instruction counts exact.
pub const QEMU_ICOUNT_SHIFT: u32 = 7;

/// Exit code of a firmware panic (never 101, which cargo uses).
pub const EXIT_PANIC: i32 = 3;

/// Exit code of a firmware hard fault.
pub const EXIT_HARD_FAULT: i32 = 4;

/// Largest encoded [`crate::witness::Witness`] a device accepts (it is staged).
pub const MAX_WITNESS_BYTES: usize = MAX_STAGED;

/// Most distinct trie nodes (state and storage tries together) in one witness;
/// proofs refer to them by a one-byte index, so at most 256.
pub const MAX_WITNESS_NODES: usize = 192;

/// Most accounts proven by one witness.
pub const MAX_WITNESS_ACCOUNTS: usize = 24;

/// Most storage slots proven by one witness (all accounts together).
pub const MAX_WITNESS_SLOTS: usize = 64;

/// Most contract codes carried by one witness.
pub const MAX_WITNESS_CODES: usize = 16;

/// Most nodes on one proof path (a state or storage trie of up to 16^16 leaves).
pub const MAX_WITNESS_PROOF_DEPTH: usize = 16;
/// Most levels of a BIP-32 path in a wallet request (the wallet crate's limit).
pub const MAX_PATH_DEPTH: usize = 10;

/// Longest mnemonic of a `LoadMnemonic` request, in bytes (the wallet crate's limit).
pub const MAX_MNEMONIC_CHARS: usize = 512;

/// Longest BIP-39 passphrase of a `LoadMnemonic` request, in bytes (the wallet crate's limit).
pub const MAX_PASSPHRASE_BYTES: usize = 256;

/// Longest EIP-191 message a device signs (sent in one frame; shown in full,
/// as hex if it is not printable text).
pub const MAX_MESSAGE: usize = 1024;

/// Longest display a device sends for a signing request (fits a frame). A
/// request whose display would be longer is refused, not shown in part.
pub const MAX_DISPLAY: usize = 3072;
