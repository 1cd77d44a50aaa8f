//! An owned copy of the device's [`Response`], convenient on the host.

use protocol::{ErrorCode, ExecSummary, ProvenAccount, Response};

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
    /// A well-formed request whose content the device refused.
    Rejected {
        /// Why.
        reason: String,
    },
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
            Response::Rejected { reason } => Self::Rejected {
                reason: reason.to_owned(),
            },
        }
    }
}
