//! One firmware instance under QEMU (`mps2-an386`), its UART on a Unix socket.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use protocol::limits::{MAX_ENCODED, MAX_WIRE_FRAME, QEMU_ICOUNT_SHIFT};
use protocol::{decode_frame, encode_frame, Request, Response, Routine, TraceMode};

use crate::cross::Firmware;
use crate::logs;
use crate::reply::Reply;
use crate::Result;

/// Bytes per `Stage` request: well inside one frame.
const STAGE_CHUNK: usize = 2048;

/// How long one device may live before the harness kills it.
pub const DEFAULT_LIMIT: Duration = Duration::from_secs(120);

/// How a device run ended.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// QEMU's exit code (the firmware's, through semihosting); `None` if killed.
    pub exit_code: Option<i32>,
    /// Decoded defmt log lines.
    pub logs: Vec<String>,
    /// What QEMU itself printed on stderr.
    pub stderr: String,
}

/// A running firmware: send requests, read responses, then [`Device::finish`].
pub struct Device {
    child: Arc<Mutex<Child>>,
    uart: UnixStream,
    stdout: Option<JoinHandle<Vec<u8>>>,
    stderr: Option<JoinHandle<Vec<u8>>>,
    elf: PathBuf,
    dir: PathBuf,
    deadline: Instant,
    received: Vec<u8>,
}

fn qemu_binary() -> String {
    std::env::var("ZKEVM_QEMU").unwrap_or_else(|_| "qemu-system-arm".to_owned())
}

fn collect(mut from: impl Read + Send + 'static) -> JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = from.read_to_end(&mut bytes);
        bytes
    })
}

impl Device {
    /// Boot `firmware` with the default time limit.
    pub fn boot(firmware: &Firmware) -> Result<Self> {
        Self::boot_with_limit(firmware, DEFAULT_LIMIT)
    }

    /// Boot `firmware`; QEMU is killed once `limit` has passed, whatever it does.
    pub fn boot_with_limit(firmware: &Firmware, limit: Duration) -> Result<Self> {
        static INSTANCE: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "zkevm-qemu-{}-{}",
            std::process::id(),
            INSTANCE.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let socket = dir.join("uart0.sock");
        let mut child = Command::new(qemu_binary())
            .args(["-machine", "mps2-an386", "-cpu", "cortex-m4"])
            .args(["-nographic", "-monitor", "none"])
            .args(["-semihosting-config", "enable=on,target=native"])
            .arg("-icount")
            .arg(format!("shift={QEMU_ICOUNT_SHIFT}"))
            .arg("-chardev")
            .arg(format!(
                "socket,id=uart0,path={},server=on,wait=on",
                socket.display()
            ))
            .args(["-serial", "chardev:uart0"])
            .arg("-kernel")
            .arg(&firmware.elf)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                format!(
                    "cannot start {} ({e}); run `cargo xtask setup` to install QEMU",
                    qemu_binary()
                )
            })?;
        let stdout = child.stdout.take().map(collect);
        let stderr = child.stderr.take().map(collect);
        let child = Arc::new(Mutex::new(child));
        let deadline = Instant::now() + limit;
        watchdog(Arc::clone(&child), deadline);

        let uart = loop {
            if let Ok(stream) = UnixStream::connect(&socket) {
                break stream;
            }
            let exited = child.lock().map_err(|_| "lock")?.try_wait().ok().flatten();
            if let Some(status) = exited {
                let err = stderr.and_then(|h| h.join().ok()).unwrap_or_default();
                return Err(format!(
                    "QEMU exited ({status}) before its UART socket appeared: {}",
                    String::from_utf8_lossy(&err)
                ));
            }
            if Instant::now() > deadline {
                return Err("QEMU's UART socket never appeared".to_owned());
            }
            thread::sleep(Duration::from_millis(20));
        };
        Ok(Self {
            child,
            uart,
            stdout,
            stderr,
            elf: firmware.elf.clone(),
            dir,
            deadline,
            received: Vec::new(),
        })
    }

    /// Send raw bytes to the device's UART.
    pub fn send_raw(&mut self, bytes: &[u8]) -> Result<()> {
        self.uart
            .write_all(bytes)
            .map_err(|e| format!("writing to the device: {e}"))
    }

    /// Read the next frame the device sends (its encoded bytes, no delimiter).
    pub fn read_frame(&mut self) -> Result<Vec<u8>> {
        loop {
            if let Some(end) = self.received.iter().position(|&b| b == 0) {
                let mut frame: Vec<u8> = self.received.drain(..=end).collect();
                frame.pop();
                return Ok(frame);
            }
            if self.received.len() > MAX_ENCODED {
                return Err("the device sent a frame over the protocol limit".to_owned());
            }
            let left = self
                .deadline
                .checked_duration_since(Instant::now())
                .ok_or("device time limit reached while waiting for a frame")?;
            self.uart
                .set_read_timeout(Some(left.min(Duration::from_secs(60))))
                .map_err(|e| e.to_string())?;
            let mut chunk = [0u8; 512];
            let n = self
                .uart
                .read(&mut chunk)
                .map_err(|e| format!("reading from the device: {e}"))?;
            if n == 0 {
                return Err("the device closed its UART".to_owned());
            }
            self.received
                .extend_from_slice(chunk.get(..n).unwrap_or_default());
        }
    }

    /// Send one request and return the device's answer.
    pub fn call(&mut self, request: &Request<'_>) -> Result<Reply> {
        let mut wire = vec![0u8; MAX_WIRE_FRAME];
        let n = encode_frame(request, &mut wire).map_err(|e| e.to_string())?;
        self.send_raw(wire.get(..n).unwrap_or_default())?;
        self.read_reply()
    }

    /// Read and decode the next response.
    pub fn read_reply(&mut self) -> Result<Reply> {
        let mut frame = self.read_frame()?;
        let response: Response<'_> =
            decode_frame(&mut frame).map_err(|e| format!("bad response frame: {e}"))?;
        Ok(Reply::from(response))
    }

    /// Run `routine` on the device: its instruction count and output.
    pub fn measure(&mut self, routine: Routine<'_>) -> Result<(u64, Vec<u8>)> {
        match self.call(&Request::Measure(routine))? {
            Reply::Measured {
                instructions,
                output,
                ..
            } => Ok((instructions, output)),
            other => Err(format!("expected Measured, got {other:?}")),
        }
    }

    /// Instructions the device takes for keccak256 of `data`, with the digest.
    pub fn measure_keccak(&mut self, data: &[u8]) -> Result<(u64, Vec<u8>)> {
        self.measure(Routine::Keccak256 { data })
    }

    /// Stage `bytes` on the device in frame-sized chunks (replacing what was staged).
    pub fn stage(&mut self, bytes: &[u8]) -> Result<()> {
        let mut offset = 0usize;
        for chunk in bytes.chunks(STAGE_CHUNK) {
            let request = Request::Stage {
                offset: u32::try_from(offset).map_err(|e| e.to_string())?,
                data: chunk,
            };
            offset += chunk.len();
            match self.call(&request)? {
                Reply::Staged { len } if len as usize == offset => {}
                other => return Err(format!("staging at {offset}: {other:?}")),
            }
        }
        Ok(())
    }

    /// Stage a proof query and have the device verify it.
    pub fn verify_proof(&mut self, query: &[u8]) -> Result<Reply> {
        self.stage(query)?;
        self.call(&Request::VerifyProof)
    }

    /// Stage an execution query and have the device run it, untraced.
    pub fn execute(&mut self, query: &[u8]) -> Result<Reply> {
        self.execute_traced(query, TraceMode::Off)
            .map(|(reply, _)| reply)
    }

    /// Stage an execution query and have the device run it with `trace`:
    /// its answer, and the trace rows it streamed first ([`TraceMode::Stream`]),
    /// checked to arrive in order.
    pub fn execute_traced(&mut self, query: &[u8], trace: TraceMode) -> Result<(Reply, Vec<u8>)> {
        self.stage(query)?;
        let mut rows = Vec::new();
        let mut reply = self.call(&Request::Execute { trace })?;
        while let Reply::TraceRows { offset, data } = reply {
            if offset != rows.len() as u64 {
                return Err(format!(
                    "trace chunk at offset {offset}, expected {}",
                    rows.len()
                ));
            }
            rows.extend_from_slice(&data);
            reply = self.read_reply()?;
        }
        Ok((reply, rows))
    }

    /// Ask the device to stop with `code` (firmware built with `test-hooks`)
    /// and collect the outcome.
    pub fn exit(mut self, code: u8) -> Result<Outcome> {
        match self.call(&Request::Exit { code })? {
            Reply::Bye => self.finish(),
            other => Err(format!("expected Bye, got {other:?}")),
        }
    }

    /// Wait for QEMU to end (killing it at the time limit) and collect the
    /// exit code and the decoded logs.
    pub fn finish(mut self) -> Result<Outcome> {
        let status = loop {
            if let Some(status) = self
                .child
                .lock()
                .map_err(|_| "lock")?
                .try_wait()
                .ok()
                .flatten()
            {
                break status;
            }
            thread::sleep(Duration::from_millis(10));
        };
        let stdout = self
            .stdout
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default();
        let stderr = self
            .stderr
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default();
        let elf = std::fs::read(&self.elf).map_err(|e| format!("{}: {e}", self.elf.display()))?;
        Ok(Outcome {
            exit_code: status.code(),
            logs: logs::decode(&elf, &stdout)?,
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
        })
    }
}

impl Drop for Device {
    fn drop(&mut self) {
        if let Ok(mut child) = self.child.lock() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Kill the child at `deadline` unless it has ended by then.
fn watchdog(child: Arc<Mutex<Child>>, deadline: Instant) {
    thread::spawn(move || loop {
        thread::sleep(Duration::from_millis(100));
        let Ok(mut child) = child.lock() else { return };
        if !matches!(child.try_wait(), Ok(None)) {
            return;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            return;
        }
    });
}
