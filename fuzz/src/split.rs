//! The length-prefixed split every fuzz input uses to carry two parts.

/// `[len: u16 LE][first: len bytes][rest]`: a length-prefixed split of one input into two parts
/// (a short input gives an empty second part; a length past the end takes everything).
pub fn split2(data: &[u8]) -> (&[u8], &[u8]) {
    if data.len() < 2 {
        return (data, &[]);
    }
    let len = u16::from_le_bytes([data[0], data[1]]) as usize;
    let rest = &data[2..];
    rest.split_at(len.min(rest.len()))
}

/// The inverse of [`split2`], for writing seeds.
pub fn join2(first: &[u8], rest: &[u8]) -> Vec<u8> {
    let len = u16::try_from(first.len()).expect("first part under 64 KiB");
    let mut out = len.to_le_bytes().to_vec();
    out.extend_from_slice(first);
    out.extend_from_slice(rest);
    out
}
