//! Arbitrary bytes through the whole pipeline: the first byte picks the language, the rest is
//! the file, linted with every rule beside a manifest that makes the project rules look, then
//! written in every output format.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some((&selector, text)) = data.split_first() {
        lint500_fuzz::lint_and_report(selector, text);
    }
});
