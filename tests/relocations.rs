//! The binary's relocations are packed where the build found the linker and C library for it: a
//! list of every pointer to fix up at load, unpacked, was 690 KB resident for a whole session.

/// Section types in an ELF section header.
const SHT_RELA: u32 = 4;
const SHT_RELR: u32 = 19;

/// (type, size) of each section of a 64-bit little-endian ELF file.
fn sections(elf: &[u8]) -> Vec<(u32, u64)> {
    let u16_at = |at: usize| u16::from_le_bytes(elf[at..at + 2].try_into().unwrap());
    let u32_at = |at: usize| u32::from_le_bytes(elf[at..at + 4].try_into().unwrap());
    let u64_at = |at: usize| u64::from_le_bytes(elf[at..at + 8].try_into().unwrap());
    assert_eq!(&elf[..4], b"\x7fELF", "an ELF file");
    assert_eq!((elf[4], elf[5]), (2, 1), "64-bit, little-endian");
    let table = usize::try_from(u64_at(0x28)).unwrap();
    let entry = usize::from(u16_at(0x3a));
    (0..usize::from(u16_at(0x3c)))
        .map(|i| table + i * entry)
        .map(|at| (u32_at(at + 4), u64_at(at + 0x20)))
        .collect()
}

#[test]
fn relative_relocations_are_packed_when_the_build_could() {
    if option_env!("TEAMBOARD_PACKED_RELOCATIONS").is_none() {
        eprintln!("the build found no support for packed relocations here; nothing to check");
        return;
    }
    let elf = std::fs::read(env!("CARGO_BIN_EXE_teamboard")).unwrap();
    let sections = sections(&elf);
    let packed: u64 = sections
        .iter()
        .filter(|s| s.0 == SHT_RELR)
        .map(|s| s.1)
        .sum();
    let unpacked: u64 = sections
        .iter()
        .filter(|s| s.0 == SHT_RELA)
        .map(|s| s.1)
        .sum();
    assert!(packed > 0, "a packed relocation section");
    // What is left unpacked (symbol and PLT relocations) is a few KB; unpacked, the relative
    // ones alone were hundreds of KB.
    assert!(
        unpacked < 64 * 1024,
        "{unpacked} bytes of unpacked relocations"
    );
}
