//! CRC-32 as used by Ethernet, zlib, gzip and PNG.

// ANCHOR: poly
/// The generator polynomial 0x04C11DB7, with its bits reversed.
const POLY: u32 = 0xEDB8_8320;
// ANCHOR_END: poly

// ANCHOR: bitwise
/// One bit at a time: short, obviously correct, and slow.
pub fn crc32_bitwise(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            // All ones if the low bit is set, all zeros otherwise.
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (POLY & mask);
        }
    }
    !crc
}
// ANCHOR_END: bitwise

// ANCHOR: table
/// Builds the 256-entry table at compile time.
const fn make_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u32;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ POLY } else { crc >> 1 };
            bit += 1;
        }
        table[i] = crc;
        i += 1;
    }
    table
}

static TABLE: [u32; 256] = make_table();
// ANCHOR_END: table

// ANCHOR: update
/// One byte at a time, with a table lookup per byte.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        let index = ((crc ^ u32::from(byte)) & 0xFF) as usize;
        crc = (crc >> 8) ^ TABLE[index];
    }
    !crc
}
// ANCHOR_END: update

fn main() {
    println!("{:08x}", crc32(b"123456789"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32_bitwise(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn table_matches_bitwise() {
        let data: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
        assert_eq!(crc32(&data), crc32_bitwise(&data));
    }

    #[test]
    fn first_table_entries() {
        assert_eq!(TABLE[0], 0);
        assert_eq!(TABLE[1], 0x7707_3096);
        assert_eq!(TABLE[128], POLY);
    }
}
