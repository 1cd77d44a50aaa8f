//! One firmware instance under QEMU (`mps2-an386`), its UART on a Unix socket.

use std::io::Read;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use protocol::limits::QEMU_ICOUNT_SHIFT;
use protocol::{Client, Reply, Request};

use crate::cross::Firmware;
use crate::logs;
use crate::Result;

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

/// A running firmware: send requests and read responses through its
/// [`Client`] (`Device` derefs to it), then [`Device::finish`].
pub struct Device {
    child: Arc<Mutex<Child>>,
    client: Client<UnixStream>,
    stdout: Option<JoinHandle<Vec<u8>>>,
    stderr: Option<JoinHandle<Vec<u8>>>,
    elf: PathBuf,
    dir: PathBuf,
}

impl std::ops::Deref for Device {
    type Target = Client<UnixStream>;
    fn deref(&self) -> &Self::Target {
        &self.client
    }
}

impl std::ops::DerefMut for Device {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.client
    }
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
    /// Boot the QEMU firmware with the default time limit: the ELF named by
    /// `ZKEVM_FIRMWARE` if set, else the test build ([`crate::build_firmware`],
    /// built on first use). For host tools that talk to an emulated device.
    pub fn boot_default() -> Result<Self> {
        let firmware = match std::env::var_os("ZKEVM_FIRMWARE") {
            Some(elf) => Firmware {
                elf: PathBuf::from(elf),
            },
            None => crate::build_firmware()?,
        };
        Self::boot(&firmware)
    }

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
        // Past the deadline the watchdog kills QEMU and reads see the end of
        // the stream; the time-out only bounds a read that would outlive it.
        uart.set_read_timeout(Some(limit.max(Duration::from_millis(1))))
            .map_err(|e| format!("uart: {e}"))?;
        Ok(Self {
            child,
            client: Client::new(uart),
            stdout,
            stderr,
            elf: firmware.elf.clone(),
            dir,
        })
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
