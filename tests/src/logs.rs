//! Decoding the firmware's defmt log frames (semihosting stdout) with the ELF's table.

use defmt_decoder::{DecodeError, Table};

use crate::Result;

/// Decode every complete defmt frame in `stream` into `LEVEL message` lines.
pub fn decode(elf: &[u8], stream: &[u8]) -> Result<Vec<String>> {
    let table = Table::parse(elf)
        .map_err(|e| format!("cannot read the defmt table: {e}"))?
        .ok_or("the firmware has no defmt table")?;
    let mut decoder = table.new_stream_decoder();
    decoder.received(stream);
    let mut lines = Vec::new();
    loop {
        match decoder.decode() {
            Ok(frame) => {
                let level = frame
                    .level()
                    .map_or_else(|| "LOG".to_owned(), |l| l.as_str().to_uppercase());
                lines.push(format!("{level} {}", frame.display_message()));
            }
            Err(DecodeError::UnexpectedEof) => return Ok(lines),
            Err(DecodeError::Malformed) => {
                return Err(format!("malformed defmt frame after {} lines", lines.len()))
            }
        }
    }
}
