//! Identities of findings that survive unrelated edits, so that code scanning and code quality
//! dashboards keep one alert per problem from commit to commit.

use std::collections::HashMap;

use crate::FileReport;

/// The fingerprints of `file`'s findings, in the order of its diagnostics.
///
/// A fingerprint hashes the rule, the path, the text of the line the finding starts on (its
/// whitespace collapsed, so re-indenting keeps it) and how many earlier findings in the file
/// share all three. Line numbers are left out on purpose: adding or removing lines above a
/// finding must not turn it into a new alert.
pub(crate) fn fingerprints(file: &FileReport<'_>, path: &str) -> Vec<String> {
    let mut occurrences: HashMap<(&str, String), u32> = HashMap::new();
    file.diagnostics
        .iter()
        .map(|diagnostic| {
            let line = normalized_line(file.source, diagnostic.span.start_byte);
            let occurrence = occurrences
                .entry((diagnostic.rule, line.clone()))
                .or_insert(0);
            let fingerprint = hash(&[
                diagnostic.rule.as_bytes(),
                path.as_bytes(),
                line.as_bytes(),
                &occurrence.to_le_bytes(),
            ]);
            *occurrence += 1;
            format!("{fingerprint:032x}")
        })
        .collect()
}

/// The line of `source` that holds `byte`, with runs of whitespace collapsed to one space.
fn normalized_line(source: &str, byte: usize) -> String {
    let byte = byte.min(source.len());
    let start = source
        .as_bytes()
        .get(..byte)
        .and_then(|before| before.iter().rposition(|&b| b == b'\n'))
        .map_or(0, |newline| newline + 1);
    let end = source
        .as_bytes()
        .get(byte..)
        .and_then(|after| after.iter().position(|&b| b == b'\n'))
        .map_or(source.len(), |newline| byte + newline);
    source
        .get(start..end)
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The fields, each ended by a 0xFF byte (which UTF-8 text never contains) so that moving bytes
/// from one field to the next changes the hash.
fn hash(fields: &[&[u8]]) -> u128 {
    fnv1a_128(
        fields
            .iter()
            .flat_map(|field| field.iter().copied().chain([0xff])),
    )
}

/// 128-bit FNV-1a, written out rather than taken from `std::hash` because fingerprints must not
/// change between releases or platforms.
fn fnv1a_128(bytes: impl IntoIterator<Item = u8>) -> u128 {
    const OFFSET_BASIS: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    bytes.into_iter().fold(OFFSET_BASIS, |hash, byte| {
        (hash ^ u128::from(byte)).wrapping_mul(PRIME)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_128_matches_the_reference_values() {
        assert_eq!(fnv1a_128(*b""), 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d);
        assert_eq!(fnv1a_128(*b"a"), 0xd228_cb69_6f1a_8caf_7891_2b70_4e4a_8964);
        assert_ne!(hash(&[b"ab", b"c"]), hash(&[b"a", b"bc"]));
    }

    #[test]
    fn lines_are_normalized() {
        let source = "first\n  if (x)   {  }\t\nlast";
        assert_eq!(normalized_line(source, 10), "if (x) { }");
        assert_eq!(normalized_line(source, 0), "first");
        assert_eq!(normalized_line(source, source.len()), "last");
        assert_eq!(normalized_line(source, source.len() + 5), "last");
    }
}
