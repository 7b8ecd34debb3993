//! Arbitrary bytes as the language server's input stream: framing and message parsing.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    lint500_fuzz::read_lsp_stream(data);
});
