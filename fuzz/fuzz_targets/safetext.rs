//! Fuzz target: every `SafeText` constructor, the width helpers and inert JSON on arbitrary bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| teamboard::text::fuzz::safetext(data));
