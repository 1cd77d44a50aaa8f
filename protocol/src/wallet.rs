//! The wallet's messages: key requests, signing requests with their display, the user's answer.
//!
//! A signing request (`SignTransaction`, `SignPersonalMessage`,
//! `SignTypedData`, `SignAuthorization`) is answered with a
//! [`WalletResponse::Display`]: what the device shows, and the id of the
//! request now pending. Only a [`WalletRequest::Confirm`] with that id, sent
//! as the very next request, makes the device sign; anything else (a
//! [`WalletRequest::Reject`], any other request or frame, a failed check, a
//! reset) drops the pending request.

use serde::{Deserialize, Serialize};

use crate::limits::MAX_PATH_DEPTH;
use crate::refusal::{MissingKey, SimLimit, TxFault, WitnessFault};

/// A BIP-32 path as child indices (hardened ones with bit 31 set), at most
/// [`MAX_PATH_DEPTH`] levels.
pub type PathIndices = heapless::Vec<u32, MAX_PATH_DEPTH>;

/// A wallet request (inside [`crate::Request::Wallet`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum WalletRequest<'a> {
    /// Test builds only (firmware feature `test-hooks`; like Trezor's debug
    /// link): store the seed of this BIP-39 mnemonic in the device's key
    /// storage. A production build answers [`WalletError::LoadRefused`].
    /// Answered with [`WalletResponse::Loaded`].
    LoadMnemonic {
        /// The words (at most [`crate::limits::MAX_MNEMONIC_CHARS`] bytes).
        words: &'a str,
        /// The BIP-39 passphrase, if any (ASCII, at most
        /// [`crate::limits::MAX_PASSPHRASE_BYTES`] bytes).
        #[serde(borrow)]
        passphrase: Option<&'a str>,
    },
    /// The address and public key at `path`; answered with [`WalletResponse::Address`].
    GetAddress {
        /// Derivation path.
        path: PathIndices,
    },
    /// Sign the [`SignTxQuery`] in the staging area with the key at `path`;
    /// answered with [`WalletResponse::Display`].
    SignTransaction {
        /// Derivation path.
        path: PathIndices,
    },
    /// Sign an EIP-191 personal message; answered with [`WalletResponse::Display`].
    SignPersonalMessage {
        /// Derivation path.
        path: PathIndices,
        /// The message (at most [`crate::limits::MAX_MESSAGE`] bytes).
        message: &'a [u8],
    },
    /// Sign the EIP-712 typed data (its JSON, as `eth_signTypedData_v4`
    /// takes it) in the staging area; answered with [`WalletResponse::Display`]
    /// (domain and message field by field, and the digest), or
    /// [`WalletError::MalformedTypedData`].
    SignTypedData {
        /// Derivation path.
        path: PathIndices,
    },
    /// Sign an EIP-7702 authorization tuple; answered with [`WalletResponse::Display`].
    SignAuthorization {
        /// Derivation path.
        path: PathIndices,
        /// Chain id, big-endian (0: valid on every chain).
        chain_id: [u8; 32],
        /// The delegate address.
        address: [u8; 20],
        /// The authority's nonce.
        nonce: u64,
    },
    /// The user approved the pending request `id`; answered with
    /// [`WalletResponse::Signature`].
    Confirm {
        /// The id of the [`WalletResponse::Display`].
        id: u32,
    },
    /// The user refused the pending request `id`; answered with
    /// [`WalletResponse::Rejected`].
    Reject {
        /// The id of the [`WalletResponse::Display`].
        id: u32,
    },
}

impl WalletRequest<'_> {
    /// Number of wallet request variants.
    pub const VARIANTS: u32 = 8;
}

/// The staged input of [`WalletRequest::SignTransaction`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignTxQuery<'a> {
    /// The unsigned transaction: the standard signing payload (the 6- or
    /// 9-field legacy list, or `type ‖ rlp(fields)`).
    pub tx: &'a [u8],
    /// A state witness to simulate the transaction on, encoded.
    #[serde(borrow)]
    pub witness: Option<&'a [u8]>,
}

/// Where a display's instructions went; a step that did not run is 0. The
/// rest of the total is parsing, checking and rendering the request itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct DisplaySteps {
    /// Deriving the signing key from the seed, and its address (the `from`).
    pub derive: u64,
    /// Decoding the witness and verifying its proofs into the proven state.
    pub verify_witness: u64,
    /// Running the transaction on the proven state, rendering what it does.
    pub simulate: u64,
}

/// A wallet answer (inside [`crate::Response::Wallet`]), borrowing its text and bytes from the frame.
pub type WalletResponse<'a> = WalletResponseOf<&'a str, &'a [u8]>;

/// An owned [`WalletResponse`], for hosts.
#[cfg(any(test, feature = "std"))]
pub type WalletReply = WalletResponseOf<String, Vec<u8>>;

/// A wallet answer whose text is a `Text` and whose bytes a `Bytes`: one
/// shape for the device's borrowed [`WalletResponse`] and the host's owned
/// `WalletReply`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum WalletResponseOf<Text, Bytes> {
    /// A seed was stored.
    Loaded {
        /// Instructions of mnemonic → seed (PBKDF2-HMAC-SHA512, 2048 rounds).
        instructions: u64,
    },
    /// The address at a path.
    Address {
        /// The address.
        address: [u8; 20],
        /// Its EIP-55 checksummed text.
        checksummed: Text,
        /// The compressed SEC1 public key (33 bytes).
        public_key: Bytes,
        /// Instructions of the path derivation (seed → key).
        derive_instructions: u64,
        /// Instructions of the address (public key and keccak) from the key.
        address_instructions: u64,
    },
    /// What the device shows for a signing request, now pending as `id`.
    Display {
        /// The id a [`WalletRequest::Confirm`] must echo.
        id: u32,
        /// The display, one line per `\n` (at most [`crate::limits::MAX_DISPLAY`] bytes).
        text: Text,
        /// Instructions of the whole request: deriving the key, parsing,
        /// checking, verifying and simulating, rendering.
        instructions: u64,
        /// The parts of `instructions` spent on the key and on the witness.
        steps: DisplaySteps,
    },
    /// The signature of the confirmed request `id`.
    Signature {
        /// The request.
        id: u32,
        /// `r`, big-endian.
        r: [u8; 32],
        /// `s`, big-endian (low, EIP-2).
        s: [u8; 32],
        /// 0 or 1.
        y_parity: u8,
        /// Instructions of the path derivation and the signature.
        instructions: u64,
    },
    /// The pending request `id` was rejected by the user: nothing was signed.
    Rejected {
        /// The request.
        id: u32,
    },
}

impl<Text, Bytes> WalletResponseOf<Text, Bytes> {
    /// Number of wallet response variants.
    pub const VARIANTS: u32 = 5;

    /// The same answer with its text and bytes mapped (to owned ones, say).
    pub fn map<T, B>(
        self,
        text: impl FnOnce(Text) -> T,
        bytes: impl FnOnce(Bytes) -> B,
    ) -> WalletResponseOf<T, B> {
        use WalletResponseOf as R;
        match self {
            R::Loaded { instructions } => R::Loaded { instructions },
            R::Address {
                address,
                checksummed,
                public_key,
                derive_instructions,
                address_instructions,
            } => R::Address {
                address,
                checksummed: text(checksummed),
                public_key: bytes(public_key),
                derive_instructions,
                address_instructions,
            },
            R::Display {
                id,
                text: shown,
                instructions,
                steps,
            } => R::Display {
                id,
                text: text(shown),
                instructions,
                steps,
            },
            R::Signature {
                id,
                r,
                s,
                y_parity,
                instructions,
            } => R::Signature {
                id,
                r,
                s,
                y_parity,
                instructions,
            },
            R::Rejected { id } => R::Rejected { id },
        }
    }
}

/// Why a wallet request was refused. Any refusal drops the pending request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum WalletError {
    /// This build does not load mnemonics (only `test-hooks` builds do).
    LoadRefused,
    /// The key storage holds no seed.
    NoSeed,
    /// The key storage could not be written.
    Storage,
    /// The mnemonic or passphrase is not valid BIP-39 (words, checksum, ASCII passphrase).
    InvalidMnemonic,
    /// The path cannot be derived (a key outside the curve order, probability about 2^-127).
    Derivation,
    /// The transaction does not decode as a strict unsigned transaction.
    MalformedTransaction,
    /// The transaction decodes but is not valid (the rules of the newest fork on its own chain).
    InvalidTransaction,
    /// The witness is malformed or does not verify against its state root
    /// (a wrong root, a changed node), or the proven state is malformed.
    WitnessRejected(WitnessFault),
    /// The staged EIP-712 document does not parse, or breaks a rule or limit
    /// of `wallet::typed_data`.
    MalformedTypedData,
    /// The display would exceed [`crate::limits::MAX_DISPLAY`] bytes: the
    /// request cannot be shown in full, so it is not signed.
    DisplayTooLong,
    /// The transaction reads an account, slot, code or block hash the
    /// witness does not prove: refused, never guessed.
    WitnessIncomplete(MissingKey),
    /// A device limit (memory, a precompile this build lacks, the gas cap)
    /// stopped the simulation: no result is shown.
    CannotSimulate(SimLimit),
    /// The transaction is invalid on the proven pre-state (nonce, funds, fees).
    SimulationInvalidTx(TxFault),
    /// A `Confirm` or `Reject` with nothing pending.
    NothingPending,
    /// A `Confirm` or `Reject` for another id than the pending request's (which is dropped).
    WrongId {
        /// The id sent.
        got: u32,
        /// The pending request's id.
        expected: u32,
    },
    /// The signature could not be made (an `r` reduced mod n, probability about 2^-128).
    Signing,
}

impl WalletError {
    /// A short description without the detail ([`core::fmt::Display`] adds
    /// it: `witness incomplete: slot 0x0 of 0x…`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::LoadRefused => "this build does not load mnemonics (test builds only)",
            Self::NoSeed => "no seed in the key storage",
            Self::Storage => "key storage not writable",
            Self::InvalidMnemonic => "invalid mnemonic or passphrase",
            Self::Derivation => "path cannot be derived",
            Self::MalformedTransaction => "malformed transaction",
            Self::InvalidTransaction => "invalid transaction",
            Self::WitnessRejected(_) => "witness rejected",
            Self::WitnessIncomplete(_) => "witness incomplete",
            Self::CannotSimulate(_) => "cannot simulate",
            Self::SimulationInvalidTx(_) => "invalid on the proven state",
            Self::MalformedTypedData => "malformed EIP-712 typed data",
            Self::DisplayTooLong => "request too long to display",
            Self::NothingPending => "nothing pending",
            Self::WrongId { .. } => "not the pending request",
            Self::Signing => "signing failed",
        }
    }
}

impl core::fmt::Display for WalletError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::WrongId { got, expected } => {
                write!(f, "request {got} is not the pending request {expected}")
            }
            Self::WitnessRejected(e) => write!(f, "{}: {e}", self.as_str()),
            Self::WitnessIncomplete(e) => write!(f, "{}: {e}", self.as_str()),
            Self::CannotSimulate(e) => write!(f, "{}: {e}", self.as_str()),
            Self::SimulationInvalidTx(e) => write!(f, "{}: {e}", self.as_str()),
            other => f.write_str(other.as_str()),
        }
    }
}

#[cfg(any(test, feature = "std"))]
impl From<WalletResponse<'_>> for WalletReply {
    fn from(r: WalletResponse<'_>) -> Self {
        r.map(str::to_owned, <[u8]>::to_vec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{decode_exact, FrameError, Request};

    #[test]
    fn variant_counts_match_last_variants() {
        let bytes = postcard::to_allocvec(&WalletRequest::Reject { id: 0 }).unwrap();
        assert_eq!(u32::from(bytes[0]) + 1, WalletRequest::VARIANTS);
        let bytes = postcard::to_allocvec(&WalletResponse::Rejected { id: 0 }).unwrap();
        assert_eq!(u32::from(bytes[0]) + 1, WalletResponse::VARIANTS);
    }

    #[test]
    fn a_path_deeper_than_the_limit_does_not_decode() {
        let path: PathIndices = heapless::Vec::from_slice(&[1; MAX_PATH_DEPTH]).unwrap();
        let request = Request::Wallet(WalletRequest::GetAddress { path });
        let mut bytes = postcard::to_allocvec(&request).unwrap();
        assert_eq!(decode_exact::<Request<'_>>(&bytes), Ok(request));
        // One more level: the length prefix says 11.
        bytes[2] = (MAX_PATH_DEPTH + 1) as u8;
        bytes.push(1);
        assert_eq!(
            decode_exact::<Request<'_>>(&bytes),
            Err(FrameError::Malformed)
        );
    }

    #[test]
    fn a_full_display_fits_one_frame() {
        let text = "x".repeat(crate::limits::MAX_DISPLAY);
        let response = crate::Response::Wallet(WalletResponse::Display {
            id: u32::MAX,
            text: &text,
            instructions: u64::MAX,
            steps: DisplaySteps {
                derive: u64::MAX,
                verify_witness: u64::MAX,
                simulate: u64::MAX,
            },
        });
        let mut wire = [0u8; crate::limits::MAX_WIRE_FRAME];
        assert!(crate::encode_frame(&response, &mut wire).is_ok());
    }

    /// One refusal of each kind with its detail.
    fn detailed_refusals() -> [WalletError; 5] {
        use crate::refusal::{EvmBuffer, TrieFault};
        [
            WalletError::WitnessRejected(WitnessFault::SlotProof {
                address: [0xff; 20],
                slot: [0xff; 32],
                fault: TrieFault::HashMismatch { node: 0 },
            }),
            WalletError::WitnessIncomplete(MissingKey::Slot {
                address: [1; 20],
                slot: [2; 32],
            }),
            WalletError::CannotSimulate(SimLimit::Evm(EvmBuffer::Memory)),
            WalletError::CannotSimulate(SimLimit::GasCap {
                got: u64::MAX,
                cap: 1 << 24,
            }),
            WalletError::SimulationInvalidTx(TxFault::Nonce {
                got: 7,
                expected: 3,
            }),
        ]
    }

    #[test]
    fn refusals_carry_their_detail_within_a_frame() {
        for e in detailed_refusals() {
            let response = crate::Response::Error(crate::ErrorCode::Wallet(e));
            let mut wire = [0u8; 256];
            let n = crate::encode_frame(&response, &mut wire).unwrap();
            assert!(n < 128, "{e:?}: {n} bytes");
            let bytes = postcard::to_allocvec(&response).unwrap();
            assert_eq!(decode_exact::<crate::Response<'_>>(&bytes), Ok(response));
        }
        let shown = std::format!("{}", detailed_refusals()[1]);
        assert_eq!(
            shown,
            std::format!(
                "witness incomplete: slot 0x{} of 0x{}",
                "02".repeat(32).trim_start_matches('0'),
                "01".repeat(20)
            )
        );
    }

    proptest::proptest! {
        /// Arbitrary bytes after a refusal's tag: an error, or a refusal that
        /// re-encodes to the same bytes (one encoding per refusal).
        #[test]
        fn refusal_decoding_is_canonical_or_refuses(
            which in 0usize..5,
            tail in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..80),
        ) {
            let mut bytes = postcard::to_allocvec(&detailed_refusals()[which]).unwrap();
            bytes.truncate(2);
            bytes.extend_from_slice(&tail);
            if let Ok(e) = decode_exact::<WalletError>(&bytes) {
                proptest::prop_assert_eq!(postcard::to_allocvec(&e).unwrap(), bytes);
            }
        }
    }

    #[test]
    fn a_sign_tx_query_roundtrips() {
        let query = SignTxQuery {
            tx: &[0xc0],
            witness: Some(&[1, 2]),
        };
        let bytes = postcard::to_allocvec(&query).unwrap();
        assert_eq!(decode_exact::<SignTxQuery<'_>>(&bytes), Ok(query));
    }
}
