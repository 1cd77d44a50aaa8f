//! Firmware entry point: on a Cortex-M target the device, on the host a note.
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
mod device;

#[cfg(not(target_os = "none"))]
fn main() {
    eprintln!(
        "the firmware runs on a Cortex-M target: build it with `cargo xtask demo` \
         (QEMU) or see firmware/README.md for a real board"
    );
}
