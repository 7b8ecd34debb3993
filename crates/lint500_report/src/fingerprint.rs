//! Identities of findings that survive unrelated edits, so that code scanning and code quality
//! dashboards keep one alert per problem from commit to commit.

use std::collections::HashMap;
use std::rc::Rc;

use crate::FileReport;

/// The fingerprints of `file`'s findings, in the order of its diagnostics.
///
/// A fingerprint hashes the rule, the path, the text of the line the finding starts on (its
/// whitespace collapsed, so re-indenting keeps it) and how many earlier findings in the file
/// share all three. Line numbers are left out on purpose: adding or removing lines above a
/// finding must not turn it into a new alert.
pub fn fingerprints(file: &FileReport<'_>, path: &str) -> Vec<String> {
    Fingerprinter::new(file.source, path).fingerprints(file)
}

/// Computes a file's fingerprints in time linear in its size plus its number of findings,
/// however many findings share a line: each line's text is normalized at most once, and
/// hashed at most once per rule with findings on it (the rule is hashed before the line, so
/// the hash of the line cannot be shared between rules).
struct Fingerprinter<'a> {
    source: &'a str,
    path: &'a str,
    /// Where each `\n` of the source is.
    newlines: Vec<usize>,
    /// The id of the normalized text of each line seen, by line index.
    line_texts: HashMap<usize, usize>,
    /// The ids of the distinct normalized texts, so that equal lines share their counts.
    text_ids: HashMap<Rc<str>, usize>,
    texts: Vec<Rc<str>>,
    /// For each rule and line text: the hash of the rule, path and text, and how many
    /// findings have had it so far.
    seen: HashMap<(&'a str, usize), (u128, u32)>,
    /// What the fingerprints have cost: bytes of source text read to normalize lines, bytes
    /// hashed.
    work: Work,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Work {
    lines_normalized: usize,
    bytes_normalized: usize,
    bytes_hashed: usize,
}

impl<'a> Fingerprinter<'a> {
    fn new(source: &'a str, path: &'a str) -> Fingerprinter<'a> {
        Fingerprinter {
            source,
            path,
            newlines: Vec::new(),
            line_texts: HashMap::new(),
            text_ids: HashMap::new(),
            texts: Vec::new(),
            seen: HashMap::new(),
            work: Work::default(),
        }
    }

    fn fingerprints(&mut self, file: &FileReport<'a>) -> Vec<String> {
        if !file.diagnostics.is_empty() {
            self.newlines = self.source.match_indices('\n').map(|(at, _)| at).collect();
        }
        file.diagnostics
            .iter()
            .map(|diagnostic| self.fingerprint(diagnostic.rule, diagnostic.span.start_byte))
            .collect()
    }

    fn fingerprint(&mut self, rule: &'a str, byte: usize) -> String {
        let text = self.line_text(byte);
        let (texts, path, work) = (&self.texts, self.path, &mut self.work);
        let (rule_path_and_line, occurrence) = self.seen.entry((rule, text)).or_insert_with(|| {
            let fields = [rule.as_bytes(), path.as_bytes(), texts[text].as_bytes()];
            work.bytes_hashed += fields.iter().map(|field| field.len() + 1).sum::<usize>();
            (hash_from(FNV_OFFSET_BASIS, &fields), 0)
        });
        let fingerprint = hash_from(*rule_path_and_line, &[&occurrence.to_le_bytes()]);
        *occurrence += 1;
        self.work.bytes_hashed += 5;
        format!("{fingerprint:032x}")
    }

    /// The id of the normalized text of the line that holds `byte`.
    fn line_text(&mut self, byte: usize) -> usize {
        let byte = byte.min(self.source.len());
        // The line's index: how many newlines come before `byte`.
        let line = self.newlines.partition_point(|&newline| newline < byte);
        if let Some(&text) = self.line_texts.get(&line) {
            return text;
        }
        let start = line
            .checked_sub(1)
            .map_or(0, |previous| self.newlines[previous] + 1);
        let end = self
            .newlines
            .get(line)
            .copied()
            .unwrap_or(self.source.len());
        let normalized = normalize(&self.source[start..end]);
        self.work.lines_normalized += 1;
        self.work.bytes_normalized += end - start;
        let text = match self.text_ids.get(normalized.as_str()) {
            Some(&text) => text,
            None => {
                let normalized: Rc<str> = normalized.into();
                self.texts.push(Rc::clone(&normalized));
                self.text_ids.insert(normalized, self.texts.len() - 1);
                self.texts.len() - 1
            }
        };
        self.line_texts.insert(line, text);
        text
    }
}

/// A line with runs of whitespace collapsed to one space and none at either end.
fn normalize(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The fields, each ended by a 0xFF byte (which UTF-8 text never contains) so that moving bytes
/// from one field to the next changes the hash.
#[cfg(test)]
fn hash(fields: &[&[u8]]) -> u128 {
    hash_from(FNV_OFFSET_BASIS, fields)
}

/// `hash` of fields that follow those `state` is the hash of: FNV-1a is computed byte after
/// byte, so hashing can stop after some fields and go on later from where it stopped.
fn hash_from(state: u128, fields: &[&[u8]]) -> u128 {
    fnv1a_128_from(
        state,
        fields
            .iter()
            .flat_map(|field| field.iter().copied().chain([0xff])),
    )
}

const FNV_OFFSET_BASIS: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;

/// 128-bit FNV-1a, written out rather than taken from `std::hash` because fingerprints must not
/// change between releases or platforms.
#[cfg(test)]
fn fnv1a_128(bytes: impl IntoIterator<Item = u8>) -> u128 {
    fnv1a_128_from(FNV_OFFSET_BASIS, bytes)
}

fn fnv1a_128_from(state: u128, bytes: impl IntoIterator<Item = u8>) -> u128 {
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    bytes.into_iter().fold(state, |hash, byte| {
        (hash ^ u128::from(byte)).wrapping_mul(PRIME)
    })
}

#[cfg(test)]
mod tests {
    use lint500_core::{Diagnostic, Position, Severity, Span};

    use super::*;

    /// The fingerprints as first computed, line by line for each finding: what the fingerprints
    /// of every file must stay equal to, so that code scanning alerts keep their identity.
    fn first_fingerprints(file: &FileReport<'_>, path: &str) -> Vec<String> {
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

    fn finding(rule: &'static str, start_byte: usize) -> Diagnostic {
        let position = Position { line: 1, column: 1 };
        Diagnostic {
            rule,
            severity: Severity::Warning,
            message: String::new(),
            help: String::new(),
            span: Span {
                start_byte,
                end_byte: start_byte,
                start: position,
                end: position,
            },
            labels: Vec::new(),
            fix: None,
        }
    }

    fn file<'a>(source: &'a str, diagnostics: &'a [Diagnostic]) -> FileReport<'a> {
        FileReport {
            path: std::path::Path::new("src/a.js"),
            source,
            diagnostics,
        }
    }

    #[test]
    fn fnv1a_128_matches_the_reference_values() {
        assert_eq!(fnv1a_128(*b""), 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d);
        assert_eq!(fnv1a_128(*b"a"), 0xd228_cb69_6f1a_8caf_7891_2b70_4e4a_8964);
        assert_ne!(hash(&[b"ab", b"c"]), hash(&[b"a", b"bc"]));
        assert_eq!(
            hash_from(hash_from(FNV_OFFSET_BASIS, &[b"ab"]), &[b"c"]),
            hash(&[b"ab", b"c"])
        );
    }

    #[test]
    fn lines_are_normalized() {
        let source = "first\n  if (x)   {  }\t\nlast";
        assert_eq!(normalized_line(source, 10), "if (x) { }");
        assert_eq!(normalized_line(source, 0), "first");
        assert_eq!(normalized_line(source, source.len()), "last");
        assert_eq!(normalized_line(source, source.len() + 5), "last");
        assert_eq!(normalize("  if (x)   {  }\t\r"), "if (x) { }");
    }

    #[test]
    fn fingerprints_are_those_of_the_first_scheme() {
        let source = "try {\r\n  f();\r\n} catch (e) {}\n\tf();\n  f();  \n\n  é(😀)  \n";
        let at = |needle: &str, nth: usize| source.match_indices(needle).nth(nth).unwrap().0;
        let diagnostics = [
            finding("missing-await", at("f()", 0)),
            finding("missing-await", at("f()", 0) + 2),
            finding("swallowed-catch", at("catch", 0)),
            // Lines 2, 4 and 5 read `f();` once normalized: their findings are counted together.
            finding("missing-await", at("f()", 1)),
            finding("missing-await", at("f()", 2)),
            finding("log-without-stack", at("f()", 2)),
            finding("missing-await", at("\n\n", 0) + 1),
            // Inside a character, at the end of the file, and past it.
            finding("missing-await", at("😀", 0) + 1),
            finding("missing-await", source.len()),
            finding("missing-await", source.len() + 10),
        ];
        let report = file(source, &diagnostics);
        let fingerprints = fingerprints(&report, "src/a.js");
        assert_eq!(fingerprints, first_fingerprints(&report, "src/a.js"));
        assert_eq!(fingerprints.len(), diagnostics.len());
        // Every fingerprint differs, those of a rule on lines that read the same by the count
        // of earlier ones.
        let distinct: std::collections::HashSet<_> = fingerprints.iter().collect();
        assert_eq!(distinct.len(), fingerprints.len());

        let empty = file("", &diagnostics[..2]);
        assert_eq!(
            super::fingerprints(&empty, "a.js"),
            first_fingerprints(&empty, "a.js")
        );
    }

    /// A 2 MB line with a thousand findings: the line is normalized once and hashed once per
    /// rule, where hashing it for each finding would read two gigabytes.
    #[test]
    fn a_long_line_is_read_once_however_many_findings_it_has() {
        let line = "f(x);  ".repeat(300_000);
        let source = format!("const a = 1;\n{line}\nconst b = 2;\n");
        let line_start = source.find('f').unwrap();
        let rules = ["missing-await", "swallowed-catch"];
        let diagnostics: Vec<Diagnostic> = (0..1_000)
            .map(|index| finding(rules[index % 2], line_start + index * 2_000))
            .chain([finding("missing-await", 0), finding("missing-await", 5)])
            .collect();
        let mut fingerprinter = Fingerprinter::new(&source, "src/a.js");
        let fingerprints = fingerprinter.fingerprints(&file(&source, &diagnostics));
        assert_eq!(fingerprints.len(), 1_002);

        let work = fingerprinter.work;
        assert_eq!(work.lines_normalized, 2);
        assert_eq!(work.bytes_normalized, line.len() + "const a = 1;".len());
        let normalized = normalize(&line);
        let per_rule = "src/a.js".len() + normalized.len() + "swallowed-catch".len() + 3;
        assert!(
            work.bytes_hashed <= 3 * per_rule + 1_002 * 5,
            "{work:?} hashes the line more than once per rule"
        );

        // The first scheme, for a few of them: the `n`th finding of a rule on a line of text
        // hashes `n - 1` as its count of earlier ones.
        for index in [0, 1, 2, 501, 998, 999] {
            let expected = hash(&[
                rules[index % 2].as_bytes(),
                b"src/a.js",
                normalized.as_bytes(),
                &u32::try_from(index / 2).unwrap().to_le_bytes(),
            ]);
            assert_eq!(fingerprints[index], format!("{expected:032x}"), "{index}");
        }
        let first_line = [finding("missing-await", 0), finding("missing-await", 5)];
        assert_eq!(
            fingerprints[1_000..],
            first_fingerprints(&file(&source, &first_line), "src/a.js")[..]
        );
    }
}
