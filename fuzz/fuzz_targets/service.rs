//! Fuzz target `service`: a stream of well-framed requests (arbitrary bodies, structured requests, staged queries) through the device's `FrameReader` into `firmware::Service::handle`; every frame gets exactly one well-formed, fitting answer.
#![no_main]

use evm_trace::RowReader;
use firmware::limits::{RX_FRAME, TX_FRAME};
use firmware::{Action, Service};
use libfuzzer_sys::fuzz_target;
use protocol::frame::DELIMITER;
use protocol::limits::{MAX_REASON, MAX_ROUTINE_INPUT, MAX_STAGED};
use protocol::{
    decode_frame, ErrorCode, FrameError, FrameReader, Request, Response, Routine, TraceMode,
    PROTOCOL_VERSION,
};
use zkevm_fuzz::{
    exec_query, frame_body, proof_query_bytes, request, trace_mode, world, FuzzPlatform, Reader,
};

const BUILD_ID: &str = "fuzz";

/// Append `body` as one correct frame, delimiter included.
fn push_frame(wire: &mut Vec<u8>, body: &[u8]) {
    wire.extend_from_slice(&frame_body(body));
    wire.push(DELIMITER);
}

fn push_request(wire: &mut Vec<u8>, request: &Request<'_>) {
    let body = postcard::to_allocvec(request).expect("requests serialise");
    push_frame(wire, &body);
}

/// Stage `bytes` in chunks of `chunk` bytes, then send `last`.
fn push_staged(wire: &mut Vec<u8>, bytes: &[u8], chunk: usize, last: &Request<'_>) {
    let mut offset = 0usize;
    for part in bytes.chunks(chunk.max(1)) {
        push_request(
            wire,
            &Request::Stage {
                offset: offset as u32,
                data: part,
            },
        );
        offset += part.len();
    }
    push_request(wire, last);
}

fn after_staging(r: &mut Reader<'_>) -> Request<'static> {
    if r.u8().is_multiple_of(4) {
        Request::VerifyProof
    } else {
        Request::Execute {
            trace: trace_mode(r),
        }
    }
}

/// The bytes the host sends: several frames (and some noise) built from the input.
fn wire(r: &mut Reader<'_>) -> Vec<u8> {
    let mut wire = Vec::new();
    for _ in 0..12 {
        if r.is_empty() {
            break;
        }
        match r.u8() % 9 {
            // Any body, correctly framed.
            0 => push_frame(&mut wire, r.bytes(600)),
            // A valid variant index followed by anything.
            1 => {
                let mut body = vec![r.u8() % (Request::VARIANTS as u8 + 1)];
                body.extend_from_slice(r.bytes(300));
                push_frame(&mut wire, &body);
            }
            // A structured request of any kind.
            2 => {
                let request = request(r);
                push_request(&mut wire, &request);
            }
            // A structured execution query, staged, then run.
            3 => {
                let query = exec_query(r);
                let bytes = postcard::to_allocvec(&query).expect("queries serialise");
                let chunk = 1 + usize::from(r.u16()) % 3000;
                let trace = trace_mode(r);
                push_staged(&mut wire, &bytes, chunk, &Request::Execute { trace });
            }
            // Bytes from the input staged as they are (the seeds put valid
            // ExecQuery and ProofQuery encodings here), then run.
            4 => {
                let chunk = 1 + usize::from(r.u16()) % 3000;
                let last = after_staging(r);
                let bytes = r.bytes(MAX_STAGED);
                push_staged(&mut wire, bytes, chunk, &last);
            }
            // A valid proof query of a small world, maybe with one byte changed.
            5 => {
                let w = world(r);
                let address = w.addresses[usize::from(r.u8()) % w.addresses.len()];
                let slots: Vec<_> = w.slots.iter().take(4).copied().collect();
                let Ok(proof) = w.state.eip1186_proof(&address, &slots) else {
                    continue;
                };
                let storage: Vec<_> = slots
                    .iter()
                    .map(|s| s.to_be_bytes::<32>())
                    .zip(proof.storage_proofs)
                    .collect();
                let Some(mut bytes) = proof_query_bytes(
                    w.state.state_root(),
                    address,
                    &proof.account_proof,
                    &storage,
                ) else {
                    continue;
                };
                if r.u8().is_multiple_of(2) && !bytes.is_empty() {
                    let at = usize::from(r.u16()) % bytes.len();
                    bytes[at] ^= r.u8() | 1;
                }
                push_staged(&mut wire, &bytes, 2048, &Request::VerifyProof);
            }
            // Raw noise on the wire (may hold delimiters: more frames).
            6 => wire.extend_from_slice(r.bytes(64)),
            // An empty frame (hosts send these to resynchronise).
            7 => wire.push(DELIMITER),
            // A valid frame with one byte changed.
            _ => {
                let request = request(r);
                let body = postcard::to_allocvec(&request).expect("requests serialise");
                let mut frame = frame_body(&body);
                let at = usize::from(r.u16()) % frame.len();
                frame[at] ^= r.u8() | 1;
                wire.extend_from_slice(&frame);
                wire.push(DELIMITER);
            }
        }
    }
    wire
}

/// The reply bytes must be one frame (delimiter last, none inside) that fits
/// the transmit buffer and decodes as a response (borrowing from `store`).
fn decode_reply<'s>(bytes: &[u8], store: &'s mut Vec<u8>) -> Response<'s> {
    assert!(
        !bytes.is_empty() && bytes.len() <= TX_FRAME,
        "reply of {} bytes",
        bytes.len()
    );
    let (last, body) = bytes.split_last().expect("non-empty");
    assert_eq!(*last, DELIMITER, "reply not delimited");
    assert!(!body.contains(&DELIMITER), "delimiter inside a reply");
    store.clear();
    store.extend_from_slice(body);
    match decode_frame::<Response<'s>>(store) {
        Ok(response) => response,
        Err(e) => panic!("reply does not decode: {e:?}"),
    }
}

fn keccak(data: &[u8]) -> [u8; 32] {
    evm_state::keccak256(data)
}

/// Check the streamed trace frames of one request against its reply.
fn check_stream(sent: &[Vec<u8>], trace: Option<TraceMode>, response: &Response<'_>) {
    if trace != Some(TraceMode::Stream) {
        assert!(
            sent.is_empty(),
            "{} frames streamed without Stream",
            sent.len()
        );
        return;
    }
    let mut rows = Vec::new();
    let mut store = Vec::new();
    for frame in sent {
        match decode_reply(frame, &mut store) {
            Response::TraceRows { offset, data } => {
                assert_eq!(offset, rows.len() as u64, "trace chunks out of order");
                rows.extend_from_slice(data);
            }
            other => panic!("streamed {other:?}"),
        }
    }
    if let Response::Executed(summary) = response {
        let digest = summary
            .trace
            .expect("a streamed execution reports its digest");
        assert_eq!(digest.bytes, rows.len() as u64, "streamed bytes vs digest");
        let decoded = RowReader::new(&rows).collect::<Result<Vec<_>, _>>();
        let decoded = decoded.expect("streamed rows decode");
        assert_eq!(decoded.len() as u64, digest.rows, "streamed rows vs digest");
    }
}

fuzz_target!(|data: &[u8]| {
    let mut r = Reader::new(data);
    let stage_len = match r.u8() % 3 {
        0 => 512,
        1 => 8192,
        _ => MAX_STAGED,
    };
    let wire = wire(&mut r);

    let mut stage = vec![0u8; stage_len];
    let mut service = Service::new(FuzzPlatform::default(), BUILD_ID, &mut stage);
    let mut reader = FrameReader::<RX_FRAME>::new();
    let mut out = vec![0u8; TX_FRAME];
    let mut reply_store = Vec::new();
    // ZKEVM_FUZZ_DEBUG=1 prints each request and its answer (for a replay).
    let debug = std::env::var_os("ZKEVM_FUZZ_DEBUG").is_some();
    // What the device should have staged, by the protocol's rules.
    let mut staged = 0usize;
    for &byte in &wire {
        let Some(frame) = reader.push(byte) else {
            continue;
        };
        // What the frame says, decoded here from a copy.
        let mut copy = match &frame {
            Ok(f) => Ok(f.to_vec()),
            Err(e) => Err(*e),
        };
        let expected = match &mut copy {
            Ok(bytes) => decode_frame::<Request<'_>>(bytes),
            Err(e) => Err(*e),
        };
        service.platform_mut().sent.clear();
        let action = service.handle(frame, &mut out);
        let len = match (action, &expected) {
            (Action::Silent, Err(FrameError::Empty)) => continue,
            (Action::Reply(len), _) => len,
            (other, _) => panic!("{other:?} for {expected:?}"),
        };
        let response = decode_reply(&out[..len], &mut reply_store);
        if debug {
            eprintln!("{expected:?}\n  -> {response:?}");
        }
        let sent = std::mem::take(&mut service.platform_mut().sent);
        let trace = match &expected {
            Ok(Request::Execute { trace }) => Some(*trace),
            _ => None,
        };
        check_stream(&sent, trace, &response);
        if let Response::Rejected { reason, .. } = &response {
            assert!(reason.len() <= MAX_REASON);
        }
        match (&expected, &response) {
            (Err(e), Response::Error(ErrorCode::Frame(got))) => assert_eq!(e, got),
            (Ok(Request::Ping), Response::Pong { version }) => {
                assert_eq!(*version, PROTOCOL_VERSION)
            }
            (Ok(Request::Info), Response::Info(info)) => assert_eq!(info.build_id, BUILD_ID),
            (Ok(Request::Measure(Routine::Keccak256 { data })), _) => {
                if data.len() > MAX_ROUTINE_INPUT {
                    assert!(matches!(
                        response,
                        Response::Error(ErrorCode::InputTooLarge { .. })
                    ));
                } else {
                    match &response {
                        Response::Measured { output, .. } => assert_eq!(*output, keccak(data)),
                        other => panic!("keccak answered {other:?}"),
                    }
                }
            }
            (Ok(Request::Measure(_)), Response::Measured { .. } | Response::Error(_)) => {}
            // A production build refuses the test hooks.
            (
                Ok(Request::Panic | Request::Exit { .. }),
                Response::Error(ErrorCode::Unsupported),
            ) => {}
            (Ok(Request::Stage { offset, data }), _) => {
                let offset = *offset as usize;
                let expected = if offset == 0 || offset == staged {
                    let end = offset + data.len();
                    if end <= stage_len {
                        Response::Staged { len: end as u32 }
                    } else {
                        Response::Error(ErrorCode::InputTooLarge {
                            got: end as u32,
                            limit: stage_len as u32,
                        })
                    }
                } else {
                    Response::Error(ErrorCode::StageOutOfOrder {
                        got: offset as u32,
                        expected: staged as u32,
                    })
                };
                assert_eq!(response, expected);
                if let Response::Staged { len } = response {
                    staged = len as usize;
                }
            }
            (
                Ok(Request::VerifyProof),
                Response::ProofVerified(_) | Response::Rejected { .. } | Response::Error(_),
            ) => {}
            (
                Ok(Request::Execute { .. }),
                Response::Executed(_) | Response::Rejected { .. } | Response::Error(_),
            ) => {}
            (
                Ok(Request::VerifyStark),
                Response::StarkVerified(_) | Response::Rejected { .. } | Response::Error(_),
            ) => {}
            (Ok(Request::Wallet(_)), Response::Wallet(_) | Response::Error(_)) => {}
            (expected, response) => panic!("{expected:?} answered with {response:?}"),
        }
        // An error or a refusal empties the staging area.
        if matches!(response, Response::Error(_) | Response::Rejected { .. }) {
            staged = 0;
        }
    }
});
