//! The request loop's brain: turns one received frame into one response frame.

use protocol::{
    decode_frame, encode_frame, DeviceInfo, ErrorCode, FrameError, Request, Response,
    WalletRequest, PROTOCOL_VERSION,
};

use crate::exec::execute_query;
use crate::proof::verify_query;
use crate::routines::{run_routine, ROUTINE_OUTPUT};
#[cfg(feature = "stark")]
use crate::stark::verify_stark;
use crate::wallet::Session;

/// Heap and stack figures a platform reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MemoryStats {
    /// Bytes reserved for the heap.
    pub heap_size: u32,
    /// Heap bytes in use now.
    pub heap_used: u32,
    /// Most heap bytes in use since boot.
    pub heap_peak: u32,
    /// Bytes reserved for the stack.
    pub stack_size: u32,
    /// Most stack bytes used since boot.
    pub stack_peak: u32,
}

/// An instruction count taken on the device.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Measurement {
    /// Instructions counted.
    pub instructions: u64,
    /// Granularity of the count (0 where the platform cannot count).
    pub resolution: u32,
}

/// What the board provides to the service.
pub trait Platform {
    /// Current memory figures.
    fn memory(&self) -> MemoryStats;
    /// Run `routine` and count the instructions it took.
    fn measure(&mut self, routine: &mut dyn FnMut()) -> Measurement;
    /// Send one encoded frame (delimiter included) to the host now, ahead of
    /// the reply (used to stream trace rows during an execution).
    fn send(&mut self, frame: &[u8]);
    /// Start a heap measurement window (its peak starts at the heap in use
    /// now); a platform that cannot does nothing.
    fn start_heap_window(&mut self) {}
    /// Most heap bytes in use since [`Platform::start_heap_window`] (a
    /// platform that cannot tell reports its peak since boot).
    fn heap_window_peak(&self) -> u32 {
        self.memory().heap_peak
    }
    /// Read the seed in the board's key storage into `seed`; `false` if it
    /// holds none (the default: a board without key storage).
    fn load_seed(&self, seed: &mut [u8; 64]) -> bool {
        let _ = seed;
        false
    }
    /// Store `seed` in the board's key storage, replacing any; `false` if it
    /// cannot (the default).
    fn store_seed(&mut self, seed: &[u8; 64]) -> bool {
        let _ = seed;
        false
    }
}

/// A host board for unit tests: no memory figures, no instruction count.
#[cfg(test)]
pub(crate) struct TestHost;

#[cfg(test)]
impl Platform for TestHost {
    fn memory(&self) -> MemoryStats {
        MemoryStats::default()
    }
    fn measure(&mut self, routine: &mut dyn FnMut()) -> Measurement {
        routine();
        Measurement::default()
    }
    fn send(&mut self, _frame: &[u8]) {}
}

/// What the main loop must do after a frame was handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Nothing to send (an empty frame, used by hosts to resynchronise).
    Silent,
    /// Send the first `len` bytes of the output buffer.
    Reply(usize),
    /// Send the first `len` bytes, then stop the device with `code`.
    ReplyThenExit {
        /// Bytes to send.
        len: usize,
        /// Exit code.
        code: u8,
    },
}

/// Serves requests for a [`Platform`], with a staging area for inputs larger
/// than a frame. Any request answered with an error or a rejection, and any
/// frame that does not decode, empties the staging area. Every frame but a
/// wallet `Confirm` or `Reject` drops the wallet's pending signing request.
#[derive(Debug)]
pub struct Service<'s, P> {
    platform: P,
    build_id: &'static str,
    stage: &'s mut [u8],
    staged: usize,
    wallet: Session,
}

impl<'s, P: Platform> Service<'s, P> {
    /// A service on `platform` that reports `build_id` and stages inputs in
    /// `stage` (normally [`protocol::limits::MAX_STAGED`] bytes).
    pub fn new(platform: P, build_id: &'static str, stage: &'s mut [u8]) -> Self {
        Self {
            platform,
            build_id,
            stage,
            staged: 0,
            wallet: Session::new(),
        }
    }

    /// Handle one frame from the reader and write the response frame to `out`
    /// (which must hold [`crate::limits::TX_FRAME`] bytes).
    pub fn handle(&mut self, frame: Result<&mut [u8], FrameError>, out: &mut [u8]) -> Action {
        let request = match frame.and_then(decode_frame::<Request<'_>>) {
            Ok(request) => request,
            Err(FrameError::Empty) => return Action::Silent,
            Err(e) => {
                self.staged = 0;
                self.wallet.interrupt();
                return reply(&Response::Error(ErrorCode::Frame(e)), out);
            }
        };
        if !matches!(
            request,
            Request::Wallet(WalletRequest::Confirm { .. } | WalletRequest::Reject { .. })
        ) {
            self.wallet.interrupt();
        }
        let mut routine_output = [0u8; ROUTINE_OUTPUT];
        let mut reason = heapless::String::new();
        let response = match request {
            Request::Ping => Response::Pong {
                version: PROTOCOL_VERSION,
            },
            Request::Info => {
                let m = self.platform.memory();
                Response::Info(DeviceInfo {
                    heap_size: m.heap_size,
                    heap_used: m.heap_used,
                    heap_peak: m.heap_peak,
                    stack_size: m.stack_size,
                    stack_peak: m.stack_peak,
                    build_id: self.build_id,
                })
            }
            Request::Measure(routine) => {
                match run_routine(&mut self.platform, &routine, &mut routine_output) {
                    Ok((m, len)) => Response::Measured {
                        instructions: m.instructions,
                        resolution: m.resolution,
                        output: routine_output.get(..len).unwrap_or_default(),
                    },
                    Err(code) => Response::Error(code),
                }
            }
            // The test hooks stop the device (`test-hooks` builds) or are
            // refused (production): either way nothing staged survives them.
            Request::Panic => {
                self.staged = 0;
                return self.panic_on_request(out);
            }
            Request::Exit { code } => {
                self.staged = 0;
                return exit_on_request(code, out);
            }
            Request::Stage { offset, data } => self.stage(offset, data),
            Request::VerifyProof => {
                let staged = self.stage.get(..self.staged).unwrap_or_default();
                verify_query(&mut self.platform, staged, &mut reason)
            }
            Request::Execute { trace } => {
                let staged = self.stage.get(..self.staged).unwrap_or_default();
                execute_query(&mut self.platform, staged, trace, &mut reason)
            }
            #[cfg(feature = "stark")]
            Request::VerifyStark => {
                let staged = self.stage.get(..self.staged).unwrap_or_default();
                verify_stark(&mut self.platform, staged, &mut reason)
            }
            // A build without the verifier (the nRF52840's) says so.
            #[cfg(not(feature = "stark"))]
            Request::VerifyStark => Response::Error(ErrorCode::Unsupported),
            Request::Wallet(request) => {
                let staged = self.stage.get(..self.staged).unwrap_or_default();
                match self.wallet.handle(&mut self.platform, request, staged) {
                    Ok(answer) => Response::Wallet(answer),
                    Err(code) => Response::Error(code),
                }
            }
        };
        // A refused request leaves nothing staged: a later `Execute` or
        // `VerifyProof` never runs an input the host did not just stage in full.
        if matches!(response, Response::Error(_) | Response::Rejected { .. }) {
            self.staged = 0;
        }
        reply(&response, out)
    }

    /// The platform (the device's main loop reads its UART through it).
    pub fn platform_mut(&mut self) -> &mut P {
        &mut self.platform
    }

    /// Append to the staging area; offset 0 starts over.
    fn stage(&mut self, offset: u32, data: &[u8]) -> Response<'static> {
        let expected = u32::try_from(self.staged).unwrap_or(u32::MAX);
        let start = match offset {
            0 => 0,
            o if o == expected => self.staged,
            got => return Response::Error(ErrorCode::StageOutOfOrder { got, expected }),
        };
        let end = start.saturating_add(data.len());
        let Some(slot) = self.stage.get_mut(start..end) else {
            return Response::Error(ErrorCode::InputTooLarge {
                got: u32::try_from(end).unwrap_or(u32::MAX),
                limit: u32::try_from(self.stage.len()).unwrap_or(u32::MAX),
            });
        };
        slot.copy_from_slice(data);
        self.staged = end;
        Response::Staged {
            len: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }

    #[cfg(feature = "test-hooks")]
    #[allow(clippy::panic)]
    fn panic_on_request(&mut self, _out: &mut [u8]) -> Action {
        panic!("panic requested by the host (test hook)")
    }

    #[cfg(not(feature = "test-hooks"))]
    fn panic_on_request(&mut self, out: &mut [u8]) -> Action {
        reply(&Response::Error(ErrorCode::Unsupported), out)
    }
}

#[cfg(feature = "test-hooks")]
fn exit_on_request(code: u8, out: &mut [u8]) -> Action {
    match reply(&Response::Bye, out) {
        Action::Reply(len) => Action::ReplyThenExit { len, code },
        other => other,
    }
}

#[cfg(not(feature = "test-hooks"))]
fn exit_on_request(_code: u8, out: &mut [u8]) -> Action {
    reply(&Response::Error(ErrorCode::Unsupported), out)
}

fn reply(response: &Response<'_>, out: &mut [u8]) -> Action {
    match encode_frame(response, out) {
        Ok(len) => Action::Reply(len),
        // Every response fits TX_FRAME; a too-small buffer is a caller bug,
        // answered with the shortest error there is, or nothing.
        Err(e) => encode_frame(&Response::Error(ErrorCode::Frame(e)), out)
            .map_or(Action::Silent, Action::Reply),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::TX_FRAME;
    use protocol::limits::{MAX_ROUTINE_INPUT, MAX_WIRE_FRAME};
    use protocol::{Routine, TraceMode};

    struct HostPlatform;

    impl Platform for HostPlatform {
        fn memory(&self) -> MemoryStats {
            MemoryStats {
                heap_size: 1024,
                ..MemoryStats::default()
            }
        }
        fn measure(&mut self, routine: &mut dyn FnMut()) -> Measurement {
            routine();
            Measurement {
                instructions: 42,
                resolution: 1,
            }
        }
        fn send(&mut self, _frame: &[u8]) {}
    }

    fn exchange(request_frame: &mut [u8]) -> (Action, Vec<u8>) {
        let mut stage = vec![0u8; 64];
        let mut service = Service::new(HostPlatform, "test", &mut stage);
        let mut out = [0u8; TX_FRAME];
        let action = service.handle(Ok(request_frame), &mut out);
        let len = match action {
            Action::Reply(len) | Action::ReplyThenExit { len, .. } => len,
            Action::Silent => 0,
        };
        (action, out[..len].to_vec())
    }

    fn ask(request: &Request<'_>) -> (Action, Vec<u8>) {
        let mut wire = [0u8; MAX_WIRE_FRAME];
        let n = encode_frame(request, &mut wire).unwrap();
        exchange(&mut wire[..n - 1])
    }

    fn decode(mut bytes: Vec<u8>) -> Response<'static> {
        bytes.pop();
        let leaked: &'static mut [u8] = Box::leak(bytes.into_boxed_slice());
        decode_frame(leaked).unwrap()
    }

    #[test]
    fn ping_gets_pong() {
        let (_, bytes) = ask(&Request::Ping);
        assert_eq!(
            decode(bytes),
            Response::Pong {
                version: PROTOCOL_VERSION
            }
        );
    }

    #[test]
    fn info_reports_platform_and_build() {
        let (_, bytes) = ask(&Request::Info);
        match decode(bytes) {
            Response::Info(info) => {
                assert_eq!(info.heap_size, 1024);
                assert_eq!(info.build_id, "test");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn keccak_is_measured_and_correct() {
        let (_, bytes) = ask(&Request::Measure(Routine::Keccak256 { data: b"" }));
        match decode(bytes) {
            Response::Measured {
                instructions,
                output,
                ..
            } => {
                assert_eq!(instructions, 42);
                // keccak256("") = c5d2…a470
                assert_eq!(output[..4], [0xc5, 0xd2, 0x46, 0x01]);
                assert_eq!(output[28..], [0x5d, 0x85, 0xa4, 0x70]);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn oversized_routine_input_is_refused() {
        let data = vec![0u8; MAX_ROUTINE_INPUT + 1];
        let (_, bytes) = ask(&Request::Measure(Routine::Keccak256 { data: &data }));
        assert!(matches!(
            decode(bytes),
            Response::Error(ErrorCode::InputTooLarge { .. })
        ));
    }

    #[test]
    fn garbage_gets_an_error_and_empty_frames_are_silent() {
        let (_, bytes) = exchange(&mut [0x05, 0x11, 0x22]);
        assert!(matches!(
            decode(bytes),
            Response::Error(ErrorCode::Frame(_))
        ));
        let mut stage = [0u8; 4];
        let mut service = Service::new(HostPlatform, "test", &mut stage);
        let mut out = [0u8; TX_FRAME];
        assert_eq!(
            service.handle(Err(FrameError::Empty), &mut out),
            Action::Silent
        );
    }

    #[test]
    fn staging_appends_in_order_and_is_bounded() {
        let mut stage = vec![0u8; 8];
        let mut service = Service::new(HostPlatform, "test", &mut stage);
        let mut out = [0u8; TX_FRAME];
        let mut send = |service: &mut Service<'_, HostPlatform>, request: Request<'_>| {
            let mut wire = [0u8; MAX_WIRE_FRAME];
            let n = encode_frame(&request, &mut wire).unwrap();
            match service.handle(Ok(&mut wire[..n - 1]), &mut out) {
                Action::Reply(len) => decode(out[..len].to_vec()),
                other => panic!("{other:?}"),
            }
        };
        let stage_at = |offset, data| Request::Stage { offset, data };
        assert_eq!(
            send(&mut service, stage_at(0, &[1, 2, 3])),
            Response::Staged { len: 3 }
        );
        assert_eq!(
            send(&mut service, stage_at(3, &[4])),
            Response::Staged { len: 4 }
        );
        assert_eq!(
            send(&mut service, stage_at(2, &[9])),
            Response::Error(ErrorCode::StageOutOfOrder {
                got: 2,
                expected: 4
            })
        );
        // The refusal emptied the staging area: only offset 0 is accepted now.
        assert_eq!(
            send(&mut service, stage_at(4, &[4])),
            Response::Error(ErrorCode::StageOutOfOrder {
                got: 4,
                expected: 0
            })
        );
        assert_eq!(
            send(&mut service, stage_at(0, &[0; 9])),
            Response::Error(ErrorCode::InputTooLarge { got: 9, limit: 8 })
        );
        assert_eq!(
            send(&mut service, stage_at(0, &[7])),
            Response::Staged { len: 1 }
        );
        // One staged byte is no proof query.
        assert!(matches!(
            send(&mut service, Request::VerifyProof),
            Response::Error(ErrorCode::BadStagedInput(_))
        ));
    }

    /// Send `request` to `service`, return the decoded answer.
    fn send_to(
        service: &mut Service<'_, HostPlatform>,
        request: &Request<'_>,
    ) -> Response<'static> {
        let mut wire = [0u8; MAX_WIRE_FRAME];
        let n = encode_frame(request, &mut wire).unwrap();
        let mut out = [0u8; TX_FRAME];
        match service.handle(Ok(&mut wire[..n - 1]), &mut out) {
            Action::Reply(len) => decode(out[..len].to_vec()),
            other => panic!("{other:?}"),
        }
    }

    /// A valid, staged execution query followed by `spoil`, then `Execute`:
    /// the old query must not run.
    fn execute_after(spoil: impl FnOnce(&mut Service<'_, HostPlatform>)) -> Response<'static> {
        let query = crate::exec::tests::transfer_query();
        let bytes = postcard::to_allocvec(&query).unwrap();
        let mut stage = vec![0u8; bytes.len() + 8];
        let mut service = Service::new(HostPlatform, "test", &mut stage);
        let staged = send_to(
            &mut service,
            &Request::Stage {
                offset: 0,
                data: &bytes,
            },
        );
        assert_eq!(
            staged,
            Response::Staged {
                len: bytes.len() as u32
            }
        );
        spoil(&mut service);
        send_to(
            &mut service,
            &Request::Execute {
                trace: TraceMode::Off,
            },
        )
    }

    #[test]
    fn a_staged_query_runs_when_nothing_failed() {
        assert!(matches!(execute_after(|_| {}), Response::Executed(_)));
    }

    #[test]
    fn a_failed_stage_empties_the_staging_area() {
        let query = postcard::to_allocvec(&crate::exec::tests::transfer_query()).unwrap();
        let oversized = vec![0u8; query.len() + 9];
        for spoil in [
            Request::Stage {
                offset: 0,
                data: &oversized,
            },
            Request::Stage {
                offset: 7,
                data: &[1],
            },
        ] {
            let answer = execute_after(|service| {
                assert!(matches!(send_to(service, &spoil), Response::Error(_)));
            });
            // Nothing staged: the query decodes from zero bytes and fails.
            assert_eq!(
                answer,
                Response::Error(ErrorCode::BadStagedInput(FrameError::Malformed)),
                "after {spoil:?}"
            );
        }
    }

    #[test]
    fn a_bad_frame_or_refused_request_empties_the_staging_area() {
        let answer = execute_after(|service| {
            let mut out = [0u8; TX_FRAME];
            service.handle(Ok(&mut [0x05, 0x11, 0x22]), &mut out);
        });
        assert_eq!(
            answer,
            Response::Error(ErrorCode::BadStagedInput(FrameError::Malformed))
        );
        let data = vec![0u8; MAX_ROUTINE_INPUT + 1];
        let answer = execute_after(|service| {
            let refused = send_to(
                service,
                &Request::Measure(Routine::Keccak256 { data: &data }),
            );
            assert!(matches!(
                refused,
                Response::Error(ErrorCode::InputTooLarge { .. })
            ));
        });
        assert_eq!(
            answer,
            Response::Error(ErrorCode::BadStagedInput(FrameError::Malformed))
        );
    }

    /// `COBS(body ‖ crc32_le(body))`: a correct frame around any body.
    fn frame_of(body: &[u8]) -> Vec<u8> {
        const CRC32: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);
        let mut raw = body.to_vec();
        raw.extend_from_slice(&CRC32.checksum(body).to_le_bytes());
        let mut encoded = vec![0u8; cobs::max_encoding_length(raw.len())];
        let n = cobs::try_encode(&raw, &mut encoded).unwrap();
        encoded.truncate(n);
        encoded
    }

    /// Variant indexes the property sends: every request except the test
    /// hooks (`Panic` panics and `Exit` stops in `test-hooks` builds), and an
    /// unknown one.
    const VARIANTS: [u8; 8] = [0, 1, 2, 5, 6, 7, 8, 9];

    proptest::proptest! {
        /// Well-framed arbitrary bodies (a variant index, then anything),
        /// several to one service so the staging state carries over: each
        /// gets exactly one answer, a well-formed frame that is not a trace
        /// chunk, and a frame that does not decode gets that decoding error.
        #[test]
        fn well_framed_bodies_always_get_one_answer(
            bodies in proptest::collection::vec(
                (proptest::sample::select(&VARIANTS[..]), proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)),
                1..8,
            ),
            stage_len in 0usize..2048,
        ) {
            let mut stage = vec![0u8; stage_len];
            let mut service = Service::new(HostPlatform, "test", &mut stage);
            let mut out = [0u8; TX_FRAME];
            for (variant, rest) in bodies {
                let mut body = vec![variant];
                body.extend_from_slice(&rest);
                let mut frame = frame_of(&body);
                let mut copy = frame.clone();
                let expected = decode_frame::<Request<'_>>(&mut copy);
                // The busy loop of a `test-hooks` build may be asked for 2^32 rounds.
                if matches!(expected, Ok(Request::Measure(Routine::Spin { .. }))) {
                    continue;
                }
                let action = service.handle(Ok(&mut frame), &mut out);
                let Action::Reply(len) = action else {
                    panic!("{action:?} for {expected:?}");
                };
                let response = decode(out[..len].to_vec());
                let is_chunk = matches!(response, Response::TraceRows { .. });
                proptest::prop_assert!(!is_chunk, "a trace chunk as the reply");
                if let Err(e) = expected {
                    proptest::prop_assert_eq!(response, Response::Error(ErrorCode::Frame(e)));
                }
            }
        }
    }

    #[cfg(not(feature = "test-hooks"))]
    #[test]
    fn test_hooks_are_refused_in_production_builds() {
        for request in [Request::Panic, Request::Exit { code: 0 }] {
            let (_, bytes) = ask(&request);
            assert_eq!(decode(bytes), Response::Error(ErrorCode::Unsupported));
        }
    }

    /// Found by the `service` fuzz target: a refused test hook answered
    /// `Error(Unsupported)` but left the staged query in place.
    #[cfg(not(feature = "test-hooks"))]
    #[test]
    fn a_refused_test_hook_empties_the_staging_area() {
        for request in [Request::Panic, Request::Exit { code: 0 }] {
            let answer = execute_after(|service| {
                let refused = send_to(service, &request);
                assert_eq!(refused, Response::Error(ErrorCode::Unsupported));
            });
            assert_eq!(
                answer,
                Response::Error(ErrorCode::BadStagedInput(FrameError::Malformed)),
                "after {request:?}"
            );
        }
    }

    #[cfg(feature = "test-hooks")]
    #[test]
    fn exit_replies_bye_then_exits() {
        let (action, bytes) = ask(&Request::Exit { code: 9 });
        assert!(matches!(action, Action::ReplyThenExit { code: 9, .. }));
        assert_eq!(decode(bytes), Response::Bye);
    }
}
