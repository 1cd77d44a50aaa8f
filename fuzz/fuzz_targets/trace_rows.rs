//! Fuzz target `trace_rows`: evm-trace row decoding of arbitrary bytes; every row that decodes re-encodes to exactly its bytes, and the reader stops at the first error.
#![no_main]

use evm_trace::limits::MAX_ROW_BYTES;
use evm_trace::{decode_row, encode_row, RowReader};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((row, rest)) = decode_row(data) {
        let used = data.len() - rest.len();
        let mut buf = [0u8; MAX_ROW_BYTES];
        let again = encode_row(&row, &mut buf).expect("a decoded row encodes");
        assert_eq!(again, &data[..used], "re-encoding differs");
        assert_eq!(
            decode_row(again).map(|(r, rest)| (r, rest.len())),
            Ok((row, 0))
        );
    }
    let mut rest = data;
    let mut clk = 0u32;
    let mut failed = false;
    for result in RowReader::new(data) {
        assert!(!failed, "the reader went on after an error");
        match result {
            Ok(row) => {
                assert_eq!(row.clk, clk, "clocks count up from 0");
                clk += 1;
                let (decoded, tail) = decode_row(rest).expect("the reader's row decodes");
                assert_eq!(decoded, row);
                rest = tail;
            }
            Err(_) => failed = true,
        }
    }
    assert!(failed || rest.is_empty(), "the reader stopped early");
});
