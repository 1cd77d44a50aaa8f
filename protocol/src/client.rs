//! The host side of the protocol (`std`): a client over any byte stream and owned replies.
//!
//! The device is reached over a serial path (a board's USB-serial, QEMU's
//! UART socket); [`Client`] frames requests onto it and reads the answers
//! back, whatever carries the bytes.

use std::io::{Read, Write};

use crate::limits::{MAX_ENCODED, MAX_WIRE_FRAME};
use crate::{
    decode_frame, encode_frame, ErrorCode, ExecSummary, FrameError, ProvenAccount, Rejection,
    Request, Response, Routine, StarkSummary, TraceMode,
};

/// Bytes per [`Request::Stage`]: well inside one frame.
pub const STAGE_CHUNK: usize = 2048;

/// What the device answered, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Answer to `Ping`.
    Pong {
        /// Protocol version of the device.
        version: u16,
    },
    /// Answer to `Info`.
    Info {
        /// Heap reserved, bytes.
        heap_size: u32,
        /// Heap in use, bytes.
        heap_used: u32,
        /// Heap high-water mark, bytes.
        heap_peak: u32,
        /// Stack reserved, bytes.
        stack_size: u32,
        /// Stack high-water mark, bytes.
        stack_peak: u32,
        /// Firmware version and commit.
        build_id: String,
    },
    /// Answer to `Measure`.
    Measured {
        /// Instructions counted.
        instructions: u64,
        /// Granularity of the count.
        resolution: u32,
        /// Output of the routine.
        output: Vec<u8>,
    },
    /// Answer to `Exit`.
    Bye,
    /// The device refused the frame or request.
    Error(ErrorCode),
    /// Answer to `Stage`: bytes staged so far.
    Staged {
        /// Staged length.
        len: u32,
    },
    /// Answer to `VerifyProof` when the proof holds.
    ProofVerified(Box<ProvenAccount>),
    /// Answer to `Execute`.
    Executed(Box<ExecSummary>),
    /// Trace rows streamed ahead of an `Executed` answer.
    TraceRows {
        /// Trace bytes sent before this chunk.
        offset: u64,
        /// Encoded rows.
        data: Vec<u8>,
    },
    /// Answer to `VerifyStark` when the proof holds.
    StarkVerified(Box<StarkSummary>),
    /// A well-formed request whose content the device refused.
    Rejected {
        /// Why, as a type.
        kind: Rejection,
        /// The details.
        reason: String,
    },
    /// Answer to a wallet request.
    Wallet(crate::WalletReply),
}

impl From<Response<'_>> for Reply {
    fn from(response: Response<'_>) -> Self {
        match response {
            Response::Pong { version } => Self::Pong { version },
            Response::Info(i) => Self::Info {
                heap_size: i.heap_size,
                heap_used: i.heap_used,
                heap_peak: i.heap_peak,
                stack_size: i.stack_size,
                stack_peak: i.stack_peak,
                build_id: i.build_id.to_owned(),
            },
            Response::Measured {
                instructions,
                resolution,
                output,
            } => Self::Measured {
                instructions,
                resolution,
                output: output.to_vec(),
            },
            Response::Bye => Self::Bye,
            Response::Error(code) => Self::Error(code),
            Response::Staged { len } => Self::Staged { len },
            Response::ProofVerified(account) => Self::ProofVerified(Box::new(account)),
            Response::Executed(summary) => Self::Executed(Box::new(summary)),
            Response::TraceRows { offset, data } => Self::TraceRows {
                offset,
                data: data.to_vec(),
            },
            Response::StarkVerified(summary) => Self::StarkVerified(Box::new(summary)),
            Response::Rejected { kind, reason } => Self::Rejected {
                kind,
                reason: reason.to_owned(),
            },
            Response::Wallet(w) => Self::Wallet(w.into()),
        }
    }
}

/// Why talking to the device failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum ClientError {
    /// Reading or writing the stream failed (a time-out shows up here).
    Io(std::io::Error),
    /// The stream ended.
    Closed,
    /// The device sent more than the largest frame without a delimiter.
    FrameTooLong {
        /// Bytes received without a delimiter.
        got: usize,
    },
    /// A frame could not be encoded, or a received one decoded.
    Frame(FrameError),
    /// The device answered, but not what the request calls for.
    Unexpected {
        /// What the request calls for.
        expected: &'static str,
        /// What came.
        got: Box<Reply>,
    },
    /// A trace chunk arrived out of order.
    TraceOrder {
        /// Offset the chunk carried.
        got: u64,
        /// Trace bytes received before it.
        expected: u64,
    },
    /// An input too long for the protocol's 32-bit offsets.
    InputTooLong,
}

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Io(e) => write!(f, "device i/o: {e}"),
            Self::Closed => write!(f, "the device closed the connection"),
            Self::FrameTooLong { got } => {
                write!(f, "the device sent {got} bytes without a frame delimiter")
            }
            Self::Frame(e) => write!(f, "bad frame: {e}"),
            Self::Unexpected { expected, got } => write!(f, "expected {expected}, got {got:?}"),
            Self::TraceOrder { got, expected } => {
                write!(f, "trace chunk at offset {got}, expected {expected}")
            }
            Self::InputTooLong => write!(f, "input longer than 4 GiB"),
        }
    }
}

impl std::error::Error for ClientError {}

impl From<ClientError> for String {
    fn from(e: ClientError) -> Self {
        e.to_string()
    }
}

impl From<std::io::Error> for ClientError {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

impl From<FrameError> for ClientError {
    fn from(e: FrameError) -> Self {
        Self::Frame(e)
    }
}

fn unexpected(expected: &'static str, got: Reply) -> ClientError {
    ClientError::Unexpected {
        expected,
        got: Box::new(got),
    }
}

/// Requests and answers over a byte stream to one device. Time-outs are the
/// stream's own (for instance `UnixStream::set_read_timeout`).
#[derive(Debug)]
pub struct Client<S> {
    stream: S,
    received: Vec<u8>,
}

impl<S: Read + Write> Client<S> {
    /// A client talking over `stream`.
    pub fn new(stream: S) -> Self {
        Self {
            stream,
            received: Vec::new(),
        }
    }

    /// The stream underneath.
    pub fn stream_mut(&mut self) -> &mut S {
        &mut self.stream
    }

    /// Send raw bytes (framed or not) to the device.
    pub fn send_raw(&mut self, bytes: &[u8]) -> Result<(), ClientError> {
        self.stream.write_all(bytes)?;
        self.stream.flush()?;
        Ok(())
    }

    /// The next frame the device sends (its encoded bytes, no delimiter).
    pub fn read_frame(&mut self) -> Result<Vec<u8>, ClientError> {
        loop {
            if let Some(end) = self.received.iter().position(|&b| b == 0) {
                let mut frame: Vec<u8> = self.received.drain(..=end).collect();
                frame.pop();
                return Ok(frame);
            }
            if self.received.len() > MAX_ENCODED {
                return Err(ClientError::FrameTooLong {
                    got: self.received.len(),
                });
            }
            let mut chunk = [0u8; 512];
            let n = self.stream.read(&mut chunk)?;
            if n == 0 {
                return Err(ClientError::Closed);
            }
            self.received
                .extend_from_slice(chunk.get(..n).unwrap_or_default());
        }
    }

    /// Read and decode the next response.
    pub fn read_reply(&mut self) -> Result<Reply, ClientError> {
        let mut frame = self.read_frame()?;
        let response: Response<'_> = decode_frame(&mut frame)?;
        Ok(Reply::from(response))
    }

    /// Send one request and return the device's answer.
    pub fn call(&mut self, request: &Request<'_>) -> Result<Reply, ClientError> {
        let mut wire = vec![0u8; MAX_WIRE_FRAME];
        let n = encode_frame(request, &mut wire)?;
        self.send_raw(wire.get(..n).unwrap_or_default())?;
        self.read_reply()
    }

    /// Run `routine` on the device: its instruction count and output.
    pub fn measure(&mut self, routine: Routine<'_>) -> Result<(u64, Vec<u8>), ClientError> {
        match self.call(&Request::Measure(routine))? {
            Reply::Measured {
                instructions,
                output,
                ..
            } => Ok((instructions, output)),
            other => Err(unexpected("Measured", other)),
        }
    }

    /// Instructions the device takes for keccak256 of `data`, with the digest.
    pub fn measure_keccak(&mut self, data: &[u8]) -> Result<(u64, Vec<u8>), ClientError> {
        self.measure(Routine::Keccak256 { data })
    }

    /// Stage `bytes` on the device in frame-sized chunks (replacing what was staged).
    pub fn stage(&mut self, bytes: &[u8]) -> Result<(), ClientError> {
        let mut offset = 0u32;
        for chunk in bytes.chunks(STAGE_CHUNK) {
            let request = Request::Stage {
                offset,
                data: chunk,
            };
            let len = u32::try_from(chunk.len()).map_err(|_| ClientError::InputTooLong)?;
            offset = offset.checked_add(len).ok_or(ClientError::InputTooLong)?;
            match self.call(&request)? {
                Reply::Staged { len } if len == offset => {}
                other => return Err(unexpected("Staged", other)),
            }
        }
        Ok(())
    }

    /// Stage a proof query and have the device verify it.
    pub fn verify_proof(&mut self, query: &[u8]) -> Result<Reply, ClientError> {
        self.stage(query)?;
        self.call(&Request::VerifyProof)
    }

    /// Stage a STARK proof file (`verifier::Proof` bytes) and have the device
    /// verify it: `StarkVerified` or `Rejected`.
    pub fn verify_stark(&mut self, file: &[u8]) -> Result<Reply, ClientError> {
        self.stage(file)?;
        self.call(&Request::VerifyStark)
    }

    /// Stage an execution query and have the device run it, untraced.
    pub fn execute(&mut self, query: &[u8]) -> Result<Reply, ClientError> {
        self.execute_traced(query, TraceMode::Off)
            .map(|(reply, _)| reply)
    }

    /// Stage an execution query and have the device run it with `trace`:
    /// its answer, and the trace rows it streamed first ([`TraceMode::Stream`]),
    /// checked to arrive in order.
    pub fn execute_traced(
        &mut self,
        query: &[u8],
        trace: TraceMode,
    ) -> Result<(Reply, Vec<u8>), ClientError> {
        self.stage(query)?;
        let mut rows = Vec::new();
        let mut reply = self.call(&Request::Execute { trace })?;
        while let Reply::TraceRows { offset, data } = reply {
            let expected = rows.len() as u64;
            if offset != expected {
                return Err(ClientError::TraceOrder {
                    got: offset,
                    expected,
                });
            }
            rows.extend_from_slice(&data);
            reply = self.read_reply()?;
        }
        Ok((reply, rows))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    /// A stream whose reads come from `input` and whose writes are kept.
    struct Loop {
        input: Cursor<Vec<u8>>,
        written: Vec<u8>,
    }

    impl Read for Loop {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.input.read(buf)
        }
    }

    impl Write for Loop {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.written.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn client_hearing(responses: &[Response<'_>]) -> Client<Loop> {
        let mut input = Vec::new();
        for r in responses {
            let mut wire = vec![0u8; MAX_WIRE_FRAME];
            let n = encode_frame(r, &mut wire).unwrap();
            input.extend_from_slice(&wire[..n]);
        }
        Client::new(Loop {
            input: Cursor::new(input),
            written: Vec::new(),
        })
    }

    #[test]
    fn a_call_sends_one_frame_and_reads_one_reply() {
        let mut client = client_hearing(&[Response::Pong { version: 3 }]);
        assert_eq!(
            client.call(&Request::Ping).unwrap(),
            Reply::Pong { version: 3 }
        );
        let written = client.stream_mut().written.clone();
        assert_eq!(written.iter().filter(|&&b| b == 0).count(), 1);
        let mut frame = written[..written.len() - 1].to_vec();
        assert_eq!(decode_frame::<Request<'_>>(&mut frame), Ok(Request::Ping));
        // Nothing more to read: the stream's end is an error, not a hang.
        assert!(matches!(client.read_reply(), Err(ClientError::Closed)));
    }

    #[test]
    fn staging_checks_every_acknowledgement() {
        let mut client =
            client_hearing(&[Response::Staged { len: 2048 }, Response::Staged { len: 1 }]);
        let err = client.stage(&[7u8; 3000]).unwrap_err();
        assert!(
            matches!(
                &err,
                ClientError::Unexpected {
                    expected: "Staged",
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn trace_chunks_out_of_order_are_an_error() {
        let mut client = client_hearing(&[
            Response::Staged { len: 1 },
            Response::TraceRows {
                offset: 5,
                data: &[1, 2],
            },
        ]);
        assert!(matches!(
            client.execute_traced(&[0], TraceMode::Stream),
            Err(ClientError::TraceOrder {
                got: 5,
                expected: 0
            })
        ));
    }

    #[test]
    fn a_rejection_keeps_its_kind() {
        let mut client = client_hearing(&[Response::Rejected {
            kind: Rejection::TimeBudget,
            reason: "time budget exceeded",
        }]);
        assert_eq!(
            client.call(&Request::VerifyProof).unwrap(),
            Reply::Rejected {
                kind: Rejection::TimeBudget,
                reason: "time budget exceeded".to_owned()
            }
        );
    }
}
