//! A trace sink that streams encoded rows to the host in `TraceRows` frames.

use alloc::vec::Vec;

use evm_trace::{Error, Sink};
use protocol::limits::MAX_TRACE_CHUNK;
use protocol::{encode_frame, Response};

use crate::limits::TX_FRAME;
use crate::service::Platform;

/// Collects whole rows into a chunk of at most [`MAX_TRACE_CHUNK`] bytes and
/// sends each full chunk as one [`Response::TraceRows`] frame through the
/// platform, so the device never holds more than one chunk of the trace.
/// Its two buffers live on the heap while the execution runs.
#[derive(Debug)]
pub struct Uplink<'p, P> {
    platform: &'p mut P,
    chunk: Vec<u8>,
    frame: Vec<u8>,
    sent: u64,
}

impl<'p, P: Platform> Uplink<'p, P> {
    /// An uplink sending through `platform`.
    pub fn new(platform: &'p mut P) -> Self {
        Self {
            platform,
            chunk: Vec::with_capacity(MAX_TRACE_CHUNK),
            frame: alloc::vec![0; TX_FRAME],
            sent: 0,
        }
    }

    /// Send what is buffered (call once after the run); no frame when empty.
    pub fn flush(&mut self) -> Result<(), Error> {
        if self.chunk.is_empty() {
            return Ok(());
        }
        let response = Response::TraceRows {
            offset: self.sent,
            data: &self.chunk,
        };
        let len = encode_frame(&response, &mut self.frame).map_err(|_| Error::Io)?;
        self.platform
            .send(self.frame.get(..len).unwrap_or_default());
        self.sent += self.chunk.len() as u64;
        self.chunk.clear();
        Ok(())
    }
}

impl<P: Platform> Sink for Uplink<'_, P> {
    type Error = Error;

    fn put(&mut self, bytes: &[u8]) -> Result<(), Error> {
        if bytes.len() > MAX_TRACE_CHUNK {
            return Err(Error::SinkFull {
                got: bytes.len(),
                expected: MAX_TRACE_CHUNK,
            });
        }
        if self.chunk.len() + bytes.len() > MAX_TRACE_CHUNK {
            self.flush()?;
        }
        self.chunk.extend_from_slice(bytes);
        Ok(())
    }
}
