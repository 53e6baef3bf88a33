//! Fuzz target: `parse_presence_list` on arbitrary bytes; whatever it yields must write out as inert JSON.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| teamboard::text::fuzz::presence_parser(data));
