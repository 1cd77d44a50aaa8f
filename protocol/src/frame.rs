//! COBS + CRC-32 framing: `COBS(postcard(message) ‖ crc32_le) ‖ 0x00`.

use postcard::ser_flavors::Flavor;
use serde::{Deserialize, Serialize};

use crate::error::FrameError;
use crate::limits::{CRC_LEN, MAX_ENCODED};
use crate::message::{Request, Response};

/// CRC-32 (ISO-HDLC, the zlib/Ethernet polynomial) over the postcard body.
const CRC32: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);

/// The frame delimiter.
pub const DELIMITER: u8 = 0x00;

/// A message type that can travel in a frame: knows how many variants it has,
/// so an unknown one is told apart from a malformed one.
pub trait Message {
    /// Number of top-level variants.
    const VARIANTS: u32;
}

impl Message for Request<'_> {
    const VARIANTS: u32 = Request::VARIANTS;
}

impl Message for Response<'_> {
    const VARIANTS: u32 = Response::VARIANTS;
}

/// postcard output flavor that CRCs the body and COBS-encodes it in one pass.
struct CobsCrc<'a> {
    cobs: cobs::CobsEncoder<'a>,
    crc: crc::Digest<'static, u32>,
}

impl Flavor for CobsCrc<'_> {
    type Output = usize;

    fn try_push(&mut self, byte: u8) -> postcard::Result<()> {
        self.crc.update(&[byte]);
        self.cobs
            .push(&[byte])
            .map_err(|_| postcard::Error::SerializeBufferFull)
    }

    fn finalize(mut self) -> postcard::Result<usize> {
        let crc = self.crc.finalize();
        self.cobs
            .push(&crc.to_le_bytes())
            .map_err(|_| postcard::Error::SerializeBufferFull)?;
        Ok(self.cobs.finalize())
    }
}

/// Encode `message` as one wire frame into `out`, delimiter included.
/// Returns the number of bytes written.
pub fn encode_frame<T: Serialize>(message: &T, out: &mut [u8]) -> Result<usize, FrameError> {
    // The delimiter needs one byte; the COBS encoder needs at least one more.
    let Some(body_room) = out.len().checked_sub(1).filter(|room| *room >= 1) else {
        return Err(FrameError::OutputTooSmall);
    };
    let (encoded, _) = out.split_at_mut(body_room);
    let flavor = CobsCrc {
        cobs: cobs::CobsEncoder::new(encoded),
        crc: CRC32.digest(),
    };
    let used =
        postcard::serialize_with_flavor(message, flavor).map_err(|_| FrameError::OutputTooSmall)?;
    if used > MAX_ENCODED {
        return Err(FrameError::OutputTooSmall);
    }
    let slot = out.get_mut(used).ok_or(FrameError::OutputTooSmall)?;
    *slot = DELIMITER;
    Ok(used + 1)
}

/// Decode one frame (its bytes between delimiters, without the delimiter) in
/// place and parse the message it carries. Strict: valid COBS, matching CRC,
/// a known variant, a well-formed body and no trailing bytes.
pub fn decode_frame<'a, T: Deserialize<'a> + Message>(
    encoded: &'a mut [u8],
) -> Result<T, FrameError> {
    if encoded.is_empty() {
        return Err(FrameError::Empty);
    }
    if encoded.contains(&DELIMITER) {
        return Err(FrameError::BadCobs);
    }
    let decoded_len = cobs::decode_in_place(encoded).map_err(|_| FrameError::BadCobs)?;
    let decoded: &'a [u8] = encoded.get(..decoded_len).ok_or(FrameError::BadCobs)?;
    let body_len = decoded_len
        .checked_sub(CRC_LEN)
        .ok_or(FrameError::TooShort {
            got: len_u32(decoded_len),
            expected: len_u32(CRC_LEN + 1),
        })?;
    let (body, trailer) = decoded.split_at(body_len);
    let mut crc_bytes = [0u8; CRC_LEN];
    crc_bytes.copy_from_slice(trailer);
    let got = u32::from_le_bytes(crc_bytes);
    let expected = CRC32.checksum(body);
    if got != expected {
        return Err(FrameError::BadCrc { got, expected });
    }
    let variant = leading_varint(body).ok_or(FrameError::Malformed)?;
    if variant >= T::VARIANTS {
        return Err(FrameError::UnknownMessage { variant });
    }
    decode_exact(body)
}

/// Parse a postcard message that must fill `bytes` exactly (no CRC, no COBS):
/// the format of staged inputs.
pub fn decode_exact<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, FrameError> {
    let (message, rest) = postcard::take_from_bytes(bytes).map_err(|_| FrameError::Malformed)?;
    if !rest.is_empty() {
        return Err(FrameError::TrailingBytes {
            got: len_u32(rest.len()),
        });
    }
    Ok(message)
}

/// The LEB128 `u32` at the start of a postcard body (an enum's variant index).
fn leading_varint(body: &[u8]) -> Option<u32> {
    let mut value: u32 = 0;
    for (i, byte) in body.iter().take(5).enumerate() {
        let bits = u32::from(byte & 0x7f);
        value |= bits.checked_shl(7 * i as u32)?;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

pub(crate) fn len_u32(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

/// Collects bytes from a stream into frames, bounded by `N` bytes per frame.
/// A frame longer than `N` is dropped whole and reported as
/// [`FrameError::Oversized`] when its delimiter arrives.
#[derive(Debug)]
pub struct FrameReader<const N: usize> {
    buf: [u8; N],
    len: usize,
    dropped: usize,
}

impl<const N: usize> Default for FrameReader<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> FrameReader<N> {
    /// An empty reader.
    pub const fn new() -> Self {
        Self {
            buf: [0; N],
            len: 0,
            dropped: 0,
        }
    }

    /// Feed one byte. Returns `None` while a frame is incomplete, and at a
    /// delimiter the frame's encoded bytes (ready for [`decode_frame`]) or why
    /// it cannot be used ([`FrameError::Empty`], [`FrameError::Oversized`]).
    pub fn push(&mut self, byte: u8) -> Option<Result<&mut [u8], FrameError>> {
        if byte != DELIMITER {
            match self.buf.get_mut(self.len) {
                Some(slot) if self.dropped == 0 => {
                    *slot = byte;
                    self.len += 1;
                }
                _ => self.dropped = self.dropped.saturating_add(1),
            }
            return None;
        }
        let (len, dropped) = (self.len, self.dropped);
        self.len = 0;
        self.dropped = 0;
        if dropped > 0 {
            return Some(Err(FrameError::Oversized {
                got: len_u32(len.saturating_add(dropped)),
                limit: len_u32(N),
            }));
        }
        if len == 0 {
            return Some(Err(FrameError::Empty));
        }
        self.buf.get_mut(..len).map(Ok)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::{MAX_ENCODED, MAX_WIRE_FRAME};
    use crate::message::{
        AccountQuery, BlockQuery, DeviceInfo, ExecQuery, ProofQuery, Routine, StorageQuery,
        TraceMode, TxQuery,
    };
    use proptest::prelude::*;

    fn roundtrip_request(request: &Request<'_>) {
        let mut wire = [0u8; MAX_WIRE_FRAME];
        let n = encode_frame(request, &mut wire).unwrap();
        assert_eq!(wire[n - 1], DELIMITER);
        assert!(!wire[..n - 1].contains(&DELIMITER));
        let back: Request<'_> = decode_frame(&mut wire[..n - 1]).unwrap();
        assert_eq!(&back, request);
    }

    #[test]
    fn every_request_roundtrips() {
        roundtrip_request(&Request::Ping);
        roundtrip_request(&Request::Info);
        roundtrip_request(&Request::Panic);
        roundtrip_request(&Request::Exit { code: 7 });
        roundtrip_request(&Request::Measure(Routine::Keccak256 { data: &[0; 300] }));
    }

    #[test]
    fn response_variant_count_matches_last_variant() {
        let mut buf = [0u8; 512];
        let last = Response::Wallet(crate::WalletResponse::Rejected { id: 0 });
        let used = postcard::to_slice(&last, &mut buf).unwrap();
        assert_eq!(u32::from(used[0]) + 1, <Response<'_> as Message>::VARIANTS);
    }

    #[test]
    fn a_full_trace_chunk_fits_one_frame() {
        let data = [0xffu8; crate::limits::MAX_TRACE_CHUNK];
        let chunk = Response::TraceRows {
            offset: u64::MAX,
            data: &data,
        };
        let mut wire = [0u8; MAX_WIRE_FRAME];
        let n = encode_frame(&chunk, &mut wire).unwrap();
        let back: Response<'_> = decode_frame(&mut wire[..n - 1]).unwrap();
        assert_eq!(back, chunk);
    }

    #[test]
    fn execute_requests_roundtrip_with_their_trace_mode() {
        for trace in [TraceMode::Off, TraceMode::Commit, TraceMode::Stream] {
            roundtrip_request(&Request::Execute { trace });
        }
    }

    #[test]
    fn response_roundtrips() {
        let info = Response::Info(DeviceInfo {
            heap_size: 1,
            heap_used: 2,
            heap_peak: 3,
            stack_size: 4,
            stack_peak: 5,
            build_id: "v0.1.0-abc",
        });
        let mut wire = [0u8; 128];
        let n = encode_frame(&info, &mut wire).unwrap();
        let back: Response<'_> = decode_frame(&mut wire[..n - 1]).unwrap();
        assert_eq!(back, info);
    }

    #[test]
    fn corrupted_crc_is_rejected() {
        let mut wire = [0u8; 64];
        let n = encode_frame(&Request::Ping, &mut wire).unwrap();
        // The body of Ping is one byte (0x00), COBS puts it after the code byte;
        // flipping any byte of the encoded frame breaks COBS or the CRC.
        for i in 0..n - 1 {
            let mut copy = wire;
            copy[i] ^= 0x40;
            let result = decode_frame::<Request<'_>>(&mut copy[..n - 1]);
            assert!(result.is_err(), "flip at {i} accepted");
        }
    }

    /// `COBS(body ‖ crc32_le(body))`, no delimiter: a correct frame around
    /// any body, so decoding gets past COBS and the CRC to postcard.
    fn frame(body: &[u8]) -> Vec<u8> {
        let mut raw = body.to_vec();
        raw.extend_from_slice(&CRC32.checksum(body).to_le_bytes());
        let mut enc = vec![0u8; cobs::max_encoding_length(raw.len())];
        let n = cobs::try_encode(&raw, &mut enc).unwrap();
        enc.truncate(n);
        enc
    }

    /// A valid execution query (one account with code and storage).
    fn exec_query<'a>(code: &'a [u8], storage: &'a [u8]) -> ExecQuery<'a> {
        let account = AccountQuery {
            address: [0xaa; 20],
            nonce: 1,
            balance: [0x11; 32],
            code,
            storage,
        };
        ExecQuery {
            block: BlockQuery {
                number: 1,
                timestamp: 2,
                gas_limit: 30_000_000,
                base_fee: [0; 32],
                coinbase: [0xcc; 20],
                chain_id: 1,
            },
            accounts: heapless::Vec::from_slice(&[account]).unwrap(),
            tx: TxQuery {
                caller: [0xbb; 20],
                to: Some([0xaa; 20]),
                value: [0; 32],
                data: &[0xa9, 0x05, 0x9c, 0xbb],
                gas_limit: 100_000,
                nonce: 0,
                max_fee: [0; 32],
                max_priority_fee: Some([1; 32]),
            },
        }
    }

    /// A valid proof query (two nodes, one slot).
    fn proof_query<'a>(nodes: &[&'a [u8]]) -> ProofQuery<'a> {
        ProofQuery {
            state_root: [7; 32],
            address: [9; 20],
            account_proof: heapless::Vec::from_slice(nodes).unwrap(),
            storage: heapless::Vec::from_slice(&[StorageQuery {
                slot: [1; 32],
                proof: heapless::Vec::from_slice(&nodes[..1]).unwrap(),
            }])
            .unwrap(),
        }
    }

    #[test]
    fn unknown_variant_and_trailing_bytes_are_typed() {
        let past_last = Request::VARIANTS as u8;
        let mut unknown = frame(&[past_last]);
        assert_eq!(
            decode_frame::<Request<'_>>(&mut unknown),
            Err(FrameError::UnknownMessage {
                variant: u32::from(past_last)
            })
        );
        let mut trailing = frame(&[0, 1, 2]);
        assert_eq!(
            decode_frame::<Request<'_>>(&mut trailing),
            Err(FrameError::TrailingBytes { got: 2 })
        );
        let mut truncated = frame(&[2, 0]);
        assert_eq!(
            decode_frame::<Request<'_>>(&mut truncated),
            Err(FrameError::Malformed)
        );
        let mut short = frame(&[]);
        short.truncate(2);
        assert!(decode_frame::<Request<'_>>(&mut short).is_err());
    }

    #[test]
    fn reader_splits_frames_and_bounds_them() {
        let mut reader = FrameReader::<8>::new();
        for b in [1, 2, 3] {
            assert!(reader.push(b).is_none());
        }
        assert_eq!(reader.push(0).unwrap().unwrap(), &[1, 2, 3]);
        assert_eq!(reader.push(0).unwrap(), Err(FrameError::Empty));
        for b in 1..=20 {
            assert!(reader.push(b).is_none());
        }
        assert_eq!(
            reader.push(0).unwrap(),
            Err(FrameError::Oversized { got: 20, limit: 8 })
        );
        assert!(reader.push(5).is_none());
        assert_eq!(reader.push(0).unwrap().unwrap(), &[5]);
    }

    #[test]
    fn oversized_message_is_an_error() {
        let data = [1u8; MAX_ENCODED];
        let mut wire = vec![0u8; MAX_ENCODED * 2];
        let request = Request::Measure(Routine::Keccak256 { data: &data });
        assert_eq!(
            encode_frame(&request, &mut wire[..MAX_WIRE_FRAME]),
            Err(FrameError::OutputTooSmall)
        );
        assert_eq!(
            encode_frame(&Request::Ping, &mut [0u8; 1]),
            Err(FrameError::OutputTooSmall)
        );
    }

    proptest! {
        #[test]
        fn any_routine_input_roundtrips(data in proptest::collection::vec(any::<u8>(), 0..2048)) {
            roundtrip_request(&Request::Measure(Routine::Keccak256 { data: &data }));
        }

        #[test]
        fn random_bytes_never_panic(mut bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = decode_frame::<Request<'_>>(&mut bytes);
        }

        /// Random bytes almost never pass the CRC; correctly framed random
        /// bodies do, so these reach postcard's decoding of every request
        /// variant (and the unknown ones): never a framing error, and what
        /// decodes re-encodes to a frame that decodes to the same request.
        #[test]
        fn framed_bodies_reach_the_request_decoder(
            variant in 0u8..(Request::VARIANTS as u8 + 2),
            rest in proptest::collection::vec(any::<u8>(), 0..600),
        ) {
            let mut body = vec![variant];
            body.extend_from_slice(&rest);
            let mut encoded = frame(&body);
            match decode_frame::<Request<'_>>(&mut encoded) {
                Ok(request) => roundtrip_request(&request),
                Err(FrameError::UnknownMessage { variant: got }) => {
                    prop_assert_eq!(got, u32::from(variant));
                    prop_assert!(got >= Request::VARIANTS);
                }
                Err(e) => prop_assert!(
                    matches!(e, FrameError::Malformed | FrameError::TrailingBytes { .. }),
                    "framing error {:?} for a correct frame", e
                ),
            }
        }

        /// Any correctly framed body (first byte too) gets past COBS and the CRC.
        #[test]
        fn framed_random_bodies_are_never_framing_errors(
            body in proptest::collection::vec(any::<u8>(), 0..600),
        ) {
            let mut encoded = frame(&body);
            let result = decode_frame::<Request<'_>>(&mut encoded);
            prop_assert!(
                !matches!(
                    result,
                    Err(FrameError::BadCobs | FrameError::BadCrc { .. } | FrameError::TooShort { .. } | FrameError::Empty)
                ),
                "{:?}", result
            );
        }

        /// Staged bytes travel intact in a `Stage` frame, and the staged-query
        /// decoders take any of them: no panic, and a query that decodes
        /// re-encodes to one that decodes the same.
        #[test]
        fn staged_bytes_reach_the_query_decoders(data in proptest::collection::vec(any::<u8>(), 0..1500)) {
            let mut wire = [0u8; MAX_WIRE_FRAME];
            let n = encode_frame(&Request::Stage { offset: 0, data: &data }, &mut wire).unwrap();
            let Ok(Request::Stage { data: staged, .. }) = decode_frame::<Request<'_>>(&mut wire[..n - 1]) else {
                panic!("a Stage frame decodes");
            };
            prop_assert_eq!(staged, &data[..]);
            if let Ok(query) = decode_exact::<ExecQuery<'_>>(staged) {
                let again = postcard::to_allocvec(&query).unwrap();
                prop_assert_eq!(decode_exact::<ExecQuery<'_>>(&again), Ok(query));
            }
            let proof = decode_exact::<ProofQuery<'_>>(staged);
            if let Ok(query) = proof {
                let again = postcard::to_allocvec(&query).unwrap();
                prop_assert_eq!(decode_exact::<ProofQuery<'_>>(&again), Ok(query));
            }
        }

        /// Valid query encodings with one byte changed, cut short or extended:
        /// the decoders reach every field; errors are typed, and what decodes
        /// round-trips.
        #[test]
        fn mutated_queries_decode_or_fail_cleanly(
            code in proptest::collection::vec(any::<u8>(), 0..64),
            pairs in 0usize..3,
            at in any::<usize>(),
            xor in 1u8..=255,
            cut in any::<bool>(),
        ) {
            let storage = vec![0x5a; pairs * crate::message::STORAGE_PAIR];
            let nodes: [&[u8]; 2] = [&[0xc0], &code];
            for mut bytes in [
                postcard::to_allocvec(&exec_query(&code, &storage)).unwrap(),
                postcard::to_allocvec(&proof_query(&nodes)).unwrap(),
            ] {
                let i = at % bytes.len();
                if cut {
                    bytes.truncate(i);
                } else {
                    bytes[i] ^= xor;
                }
                if let Ok(query) = decode_exact::<ExecQuery<'_>>(&bytes) {
                    let again = postcard::to_allocvec(&query).unwrap();
                    prop_assert_eq!(decode_exact::<ExecQuery<'_>>(&again), Ok(query));
                }
                if let Ok(query) = decode_exact::<ProofQuery<'_>>(&bytes) {
                    let again = postcard::to_allocvec(&query).unwrap();
                    prop_assert_eq!(decode_exact::<ProofQuery<'_>>(&again), Ok(query));
                }
            }
        }

        #[test]
        fn reader_then_decode_recovers_frames(codes in proptest::collection::vec(0u8..=255, 1..20)) {
            let mut reader = FrameReader::<{ MAX_WIRE_FRAME }>::new();
            let mut wire = [0u8; 64];
            for code in codes {
                let n = encode_frame(&Request::Exit { code }, &mut wire).unwrap();
                let mut out = None;
                for &b in &wire[..n] {
                    if let Some(frame) = reader.push(b) {
                        if let Request::Exit { code } = decode_frame(frame.unwrap()).unwrap() {
                            out = Some(code);
                        }
                    }
                }
                prop_assert_eq!(out, Some(code));
            }
        }
    }
}
