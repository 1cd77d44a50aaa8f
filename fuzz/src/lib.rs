//! Shared pieces of the fuzz targets: an input reader, correct framing, a host platform and structured inputs (pre-states, proofs, queries) built from fuzz bytes.

use evm_state::{Address, InMemoryState, B256, KECCAK_EMPTY, U256};
use protocol::{
    AccountQuery, BlockQuery, ExecQuery, ProofQuery, Request, Routine, StorageQuery, TraceMode,
    TxQuery,
};

/// CRC-32 of the protocol (ISO-HDLC), computed here independently of `protocol`.
pub const CRC32: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);

/// Reads a fuzz input front to back; past its end every read gives zeros, so
/// every input is usable and seeds are easy to write by hand.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A reader over `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Self { data }
    }

    /// Whether everything was read.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// What is left.
    pub fn rest(&self) -> &'a [u8] {
        self.data
    }

    /// The next `n` bytes (fewer at the end).
    pub fn take(&mut self, n: usize) -> &'a [u8] {
        let (head, tail) = self.data.split_at(n.min(self.data.len()));
        self.data = tail;
        head
    }

    /// One byte.
    pub fn u8(&mut self) -> u8 {
        self.take(1).first().copied().unwrap_or(0)
    }

    /// A little-endian `u16`.
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes(self.array())
    }

    /// A little-endian `u32`.
    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.array())
    }

    /// A little-endian `u64`.
    pub fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.array())
    }

    /// `N` bytes, zero-padded at the end of the input.
    pub fn array<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        let got = self.take(N);
        out[..got.len()].copy_from_slice(got);
        out
    }

    /// A length-prefixed (`u16`, taken modulo `max + 1`) byte string.
    pub fn bytes(&mut self, max: usize) -> &'a [u8] {
        let n = usize::from(self.u16()) % (max + 1);
        self.take(n)
    }

    /// A 256-bit word, mostly small (so slots and values collide).
    pub fn word(&mut self) -> U256 {
        match self.u8() % 4 {
            0 | 1 => U256::from(self.u8()),
            2 => U256::from(self.u64()),
            _ => U256::from_be_bytes(self.array::<32>()),
        }
    }
}

/// `COBS(body ‖ crc32_le(body))` without the delimiter: a correct frame
/// around any body, so the postcard decoder behind the CRC is reached.
pub fn frame_body(body: &[u8]) -> Vec<u8> {
    let mut raw = body.to_vec();
    raw.extend_from_slice(&CRC32.checksum(body).to_le_bytes());
    let mut encoded = vec![0u8; cobs::max_encoding_length(raw.len())];
    let n = cobs::try_encode(&raw, &mut encoded).expect("buffer sized by max_encoding_length");
    encoded.truncate(n);
    encoded
}

/// A host platform for `firmware::Service`: runs routines unmeasured and
/// keeps the frames streamed ahead of a reply.
#[derive(Debug, Default)]
pub struct FuzzPlatform {
    /// Frames sent with [`firmware::Platform::send`] (delimiters included).
    pub sent: Vec<Vec<u8>>,
}

impl firmware::Platform for FuzzPlatform {
    fn memory(&self) -> firmware::MemoryStats {
        firmware::MemoryStats::default()
    }
    fn measure(&mut self, routine: &mut dyn FnMut()) -> firmware::Measurement {
        routine();
        firmware::Measurement::default()
    }
    fn send(&mut self, frame: &[u8]) {
        self.sent.push(frame.to_vec());
    }
}

/// A trace mode.
pub fn trace_mode(r: &mut Reader<'_>) -> TraceMode {
    match r.u8() % 3 {
        0 => TraceMode::Off,
        1 => TraceMode::Commit,
        _ => TraceMode::Stream,
    }
}

/// Any request, every variant reachable (test hooks included: a production
/// firmware must refuse them).
pub fn request<'a>(r: &mut Reader<'a>) -> Request<'a> {
    match r.u8() % 11 {
        0 => Request::Ping,
        1 => Request::Info,
        2 => Request::Measure(Routine::Keccak256 {
            data: r.bytes(2100),
        }),
        3 => Request::Measure(Routine::EcRecover {
            input: r.bytes(200),
        }),
        4 => Request::Measure(Routine::Sign { digest: r.array() }),
        5 => Request::Measure(Routine::Spin {
            iterations: r.u32(),
        }),
        6 => Request::Panic,
        7 => Request::Exit { code: r.u8() },
        8 => Request::Stage {
            offset: if r.u8().is_multiple_of(2) {
                0
            } else {
                u32::from(r.u16())
            },
            data: r.bytes(3000),
        },
        9 => Request::VerifyProof,
        _ => Request::Execute {
            trace: trace_mode(r),
        },
    }
}

/// Addresses the structured inputs draw from (so accounts meet).
pub const ADDRESSES: [Address; 4] = [[0xaa; 20], [0xbb; 20], [0xcc; 20], [0xdd; 20]];

/// One address: mostly from [`ADDRESSES`], sometimes a precompile or any.
pub fn address(r: &mut Reader<'_>) -> Address {
    match r.u8() % 8 {
        0 => r.array(),
        1 => {
            let mut a = [0u8; 20];
            a[19] = r.u8() % 12;
            a
        }
        i => ADDRESSES[usize::from(i) % ADDRESSES.len()],
    }
}

fn word_bytes(r: &mut Reader<'_>) -> [u8; 32] {
    r.word().to_be_bytes::<32>()
}

/// An execution query: a few accounts with code and storage, a funded
/// caller, a call or creation with modest gas (sometimes anything at all).
pub fn exec_query<'a>(r: &mut Reader<'a>) -> ExecQuery<'a> {
    let mut accounts = heapless::Vec::new();
    let n = 1 + usize::from(r.u8() % 4);
    for (i, address) in ADDRESSES.iter().enumerate().take(n) {
        let storage = if r.u8().is_multiple_of(16) {
            r.bytes(200)
        } else {
            let pairs = usize::from(r.u8() % 4);
            r.take(pairs * protocol::message::STORAGE_PAIR)
        };
        let balance = if i == 0 {
            let mut b = [0u8; 32];
            b[20] = 1; // 2^88 wei: the caller can pay
            b
        } else {
            word_bytes(r)
        };
        let _ = accounts.push(AccountQuery {
            address: *address,
            nonce: u64::from(r.u8() % 3),
            balance,
            code: r.bytes(512),
            storage,
        });
    }
    let to = match r.u8() % 6 {
        0 => None,
        _ => Some(address(r)),
    };
    let gas_limit = match r.u8() % 8 {
        0 => r.u64(),
        _ => 21_000 + u64::from(r.u32() % 2_000_000),
    };
    let max_fee = if r.u8().is_multiple_of(4) {
        word_bytes(r)
    } else {
        [0; 32]
    };
    let max_priority_fee = if r.u8().is_multiple_of(4) {
        Some(word_bytes(r))
    } else {
        None
    };
    ExecQuery {
        block: BlockQuery {
            number: u64::from(r.u16()),
            timestamp: u64::from(r.u32()),
            gas_limit: 30_000_000,
            base_fee: [0; 32],
            coinbase: [0xc0; 20],
            chain_id: 1,
        },
        accounts,
        tx: TxQuery {
            caller: ADDRESSES[0],
            to,
            value: if r.u8().is_multiple_of(2) {
                [0; 32]
            } else {
                word_bytes(r)
            },
            data: r.bytes(256),
            gas_limit,
            nonce: u64::from(r.u8() % 2),
            max_fee,
            max_priority_fee,
        },
    }
}

/// A small world state: accounts with storage, and the slots it holds.
pub struct World {
    /// The state.
    pub state: InMemoryState,
    /// Accounts created (in order).
    pub addresses: Vec<Address>,
    /// Slots written (any account).
    pub slots: Vec<U256>,
}

/// A world of 1 to 6 accounts with up to 6 slots each.
pub fn world(r: &mut Reader<'_>) -> World {
    let mut state = InMemoryState::new();
    let mut addresses = Vec::new();
    let mut slots = Vec::new();
    let n = 1 + r.u8() % 6;
    for i in 0..n {
        let address = if r.u8().is_multiple_of(4) {
            r.array()
        } else {
            [i; 20]
        };
        let code_hash: B256 = if r.u8().is_multiple_of(4) {
            r.array()
        } else {
            KECCAK_EMPTY
        };
        state.insert_account(
            address,
            evm_state::AccountInfo {
                nonce: u64::from(r.u8()),
                balance: U256::from(r.u32()),
                code_hash,
            },
        );
        for _ in 0..r.u8() % 7 {
            let slot = r.word();
            state.set_storage(address, slot, r.word());
            slots.push(slot);
        }
        addresses.push(address);
    }
    World {
        state,
        addresses,
        slots,
    }
}

/// The postcard bytes of a [`ProofQuery`], or `None` if it has more nodes or
/// slots than the protocol carries.
pub fn proof_query_bytes(
    state_root: [u8; 32],
    address: Address,
    account_proof: &[Vec<u8>],
    storage: &[([u8; 32], Vec<Vec<u8>>)],
) -> Option<Vec<u8>> {
    fn nodes(proof: &[Vec<u8>]) -> Option<heapless::Vec<&[u8], 16>> {
        let refs: Vec<&[u8]> = proof.iter().map(Vec::as_slice).collect();
        heapless::Vec::from_slice(&refs).ok()
    }
    let mut slots = heapless::Vec::new();
    for (slot, proof) in storage {
        slots
            .push(StorageQuery {
                slot: *slot,
                proof: nodes(proof)?,
            })
            .ok()?;
    }
    let query = ProofQuery {
        state_root,
        address,
        account_proof: nodes(account_proof)?,
        storage: slots,
    };
    postcard::to_allocvec(&query).ok()
}

/// The EIP-7702 authorization list of a type-4 transaction (the
/// `interpreter` target): up to 3 tuples, each either signed with one of
/// three fixed keys (a valid signature, for chain 0 or 1, delegating to one
/// of [`ADDRESSES`] or clearing, at a nonce of 0-2) or of arbitrary fields
/// (an invalid or unrecoverable signature, a high `s`, a wrong parity).
pub fn authorizations(r: &mut Reader<'_>) -> Vec<evm_core::Authorization> {
    (0..r.u8() % 4)
        .map(|_| {
            let chain_id = U256::from(r.u8() % 2);
            let address = match r.u8() % 5 {
                4 => [0; 20],
                i => ADDRESSES[usize::from(i)],
            };
            let nonce = u64::from(r.u8() % 3);
            if r.u8() % 2 == 0 {
                let secret = [1 + r.u8() % 3; 32];
                let signed = k256::ecdsa::SigningKey::from_slice(&secret)
                    .ok()
                    .and_then(|key| {
                        wallet::sign::sign_authorization(&key, &chain_id, &address, nonce).ok()
                    });
                if let Some(sig) = signed {
                    return evm_core::Authorization {
                        chain_id,
                        address,
                        nonce,
                        y_parity: sig.y_parity,
                        r: U256::from_be_bytes(sig.r),
                        s: U256::from_be_bytes(sig.s),
                    };
                }
            }
            evm_core::Authorization {
                chain_id,
                address,
                nonce,
                y_parity: r.u8() % 3,
                r: r.word(),
                s: r.word(),
            }
        })
        .collect()
}

/// The authorities of [`authorizations`]' fixed keys, for the pre-state.
pub fn authority_addresses() -> Vec<Address> {
    (1u8..=3)
        .filter_map(|k| k256::ecdsa::SigningKey::from_slice(&[k; 32]).ok())
        .map(|key| wallet::address::address_of(&k256::PublicKey::from(key.verifying_key())))
        .collect()
}
