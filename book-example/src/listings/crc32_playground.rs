// A self-contained CRC-32 that you can edit and run in the browser.
fn crc32(data: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (i, entry) in table.iter_mut().enumerate() {
        let mut crc = i as u32;
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
        *entry = crc;
    }

    let mut crc = !0u32;
    for &byte in data {
        crc = (crc >> 8) ^ table[((crc ^ u32::from(byte)) & 0xFF) as usize];
    }
    !crc
}

fn main() {
    for input in ["", "123456789", "The quick brown fox jumps over the lazy dog"] {
        println!("{:08x}  {:?}", crc32(input.as_bytes()), input);
    }
}
