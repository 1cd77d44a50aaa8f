//! Reaching a device: a serial path (a board's USB-serial, or a Unix socket) or the QEMU firmware booted here.
//!
//! Shared by every command that talks to a device (`address`, `sign-*`, and
//! `verify --device`): [`Connection::open`] gives a [`protocol::Client`] over
//! whichever was asked for.

use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::os::unix::fs::FileTypeExt;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use protocol::{Client, WalletReply, WalletRequest};

/// How long a read from the device may wait (the firmware answers every
/// request; PBKDF2 in QEMU takes a few seconds).
pub const READ_TIMEOUT: Duration = Duration::from_secs(120);

/// A byte stream to a device.
pub trait Stream: Read + Write + Send {}
impl<T: Read + Write + Send> Stream for T {}

/// Where the device is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A serial device or a Unix socket path.
    Path(PathBuf),
    /// Boot the QEMU firmware (built first if needed, with `test-hooks`).
    Emulator,
}

/// An open connection; the emulator, if one was booted, lives as long as it.
pub struct Connection {
    client: Client<Box<dyn Stream>>,
    _emulator: Option<zkevm_tests::Device>,
}

impl std::ops::Deref for Connection {
    type Target = Client<Box<dyn Stream>>;
    fn deref(&self) -> &Self::Target {
        &self.client
    }
}

impl std::ops::DerefMut for Connection {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.client
    }
}

fn open_path(path: &Path) -> Result<Box<dyn Stream>, String> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("{shown}: {e}"))?;
    if meta.file_type().is_socket() {
        let stream = UnixStream::connect(path).map_err(|e| format!("{shown}: {e}"))?;
        stream
            .set_read_timeout(Some(READ_TIMEOUT))
            .map_err(|e| format!("{shown}: {e}"))?;
        return Ok(Box::new(stream));
    }
    // A serial device: raw bytes at 115200 baud, no echo (`stty`, as the
    // standard library has no termios).
    if meta.file_type().is_char_device() {
        let status = Command::new("stty")
            .arg("-F")
            .arg(path)
            .args(["115200", "raw", "-echo"])
            .status()
            .map_err(|e| format!("stty: {e}"))?;
        if !status.success() {
            return Err(format!("stty could not configure {shown}"));
        }
    }
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(|e| format!("{shown}: {e}"))?;
    Ok(Box::new(file))
}

impl Connection {
    /// Connect to `target`.
    pub fn open(target: &Target) -> Result<Self, String> {
        match target {
            Target::Path(path) => Ok(Self {
                client: Client::new(open_path(path)?),
                _emulator: None,
            }),
            Target::Emulator => {
                // The ELF named by ZKEVM_FIRMWARE (the demo's, the tests'), else the test build.
                let firmware = match std::env::var_os("ZKEVM_FIRMWARE") {
                    Some(elf) => zkevm_tests::Firmware { elf: elf.into() },
                    None => zkevm_tests::build_firmware()?,
                };
                let mut device =
                    zkevm_tests::Device::boot_with_limit(&firmware, Duration::from_secs(3600))?;
                let stream = device
                    .stream_mut()
                    .try_clone()
                    .map_err(|e| format!("emulator uart: {e}"))?;
                Ok(Self {
                    client: Client::new(Box::new(stream)),
                    _emulator: Some(device),
                })
            }
        }
    }

    /// Send one wallet request; a device refusal becomes an error naming it.
    pub fn wallet_call(&mut self, request: WalletRequest<'_>) -> Result<WalletReply, String> {
        self.client
            .wallet(request)
            .map_err(|e| e.to_string())?
            .map_err(describe)
    }
}

/// A device error code as a person reads it.
pub fn describe(code: protocol::ErrorCode) -> String {
    match code {
        protocol::ErrorCode::Wallet(e) => format!("device refused: {e}"),
        protocol::ErrorCode::InputTooLarge { got, limit } => {
            format!("device refused: input of {got} bytes over its limit of {limit}")
        }
        other => format!("device refused: {other:?}"),
    }
}
