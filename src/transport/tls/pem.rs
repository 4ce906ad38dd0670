//! PEM text (RFC 7468): the labelled base64 sections that hold certificates and keys. Read
//! here in a few lines, so that the general decoder of rustls' PKI types (and the
//! `core::fmt` machinery its errors bring) stays out of the firmware. Errors are the
//! detail texts themselves.

use super::alloc::vec::Vec;

const BEGIN: &[u8] = b"-----BEGIN ";
const END: &[u8] = b"-----END ";
const DASHES: &[u8] = b"-----";

/// One PEM section: its label (`CERTIFICATE`, `PRIVATE KEY`, ...) and decoded contents.
pub(super) struct Section<'a> {
    pub(super) label: &'a [u8],
    pub(super) der: Vec<u8>,
}

/// Whether `data` holds PEM text rather than DER.
pub(super) fn is_pem(data: &[u8]) -> bool {
    find(data, BEGIN).is_some()
}

/// The sections of `text` in order; text outside sections is ignored. An error ends the
/// iteration.
pub(super) fn sections(text: &[u8]) -> impl Iterator<Item = Result<Section<'_>, &'static str>> {
    let mut rest = Some(text);
    core::iter::from_fn(move || {
        let (section, after) = match next_section(rest?) {
            Ok(Some(found)) => found,
            Ok(None) => return None,
            Err(text) => {
                rest = None;
                return Some(Err(text));
            }
        };
        rest = Some(after);
        Some(Ok(section))
    })
}

/// The first section of `text` and the text after it; `None` when no BEGIN line is left.
fn next_section(text: &[u8]) -> Result<Option<(Section<'_>, &[u8])>, &'static str> {
    let Some(start) = find(text, BEGIN) else { return Ok(None) };
    let line = &text[start + BEGIN.len()..];
    let label_len = find(line, DASHES).filter(|&len| !line[..len].contains(&b'\n')).ok_or("a PEM BEGIN line is malformed")?;
    let (label, body) = (&line[..label_len], &line[label_len + DASHES.len()..]);
    let body_len = find(body, END).ok_or("a PEM section has no END line")?;
    let end_line = &body[body_len + END.len()..];
    let closes = end_line.starts_with(label) && end_line[label.len()..].starts_with(DASHES);
    if !closes {
        return Err("a PEM section has no END line");
    }
    let der = base64(&body[..body_len]).ok_or("a PEM section is not valid base64")?;
    Ok(Some((Section { label, der }, &end_line[label.len() + DASHES.len()..])))
}

/// Decodes base64 (RFC 4648, standard alphabet), skipping line breaks and spaces; `=`
/// padding ends the data.
fn base64(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut bits, mut count) = (0u32, 0u32);
    let mut padded = false;
    for &c in text {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                padded = true;
                continue;
            }
            b' ' | b'\t' | b'\r' | b'\n' => continue,
            _ => return None,
        };
        if padded {
            return None;
        }
        bits = (bits << 6) | u32::from(value);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    Some(out)
}

/// The position of the first `needle` in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sections_and_refuses_broken_ones() {
        let text = b"junk\n-----BEGIN A-----\nTWFu\r\nTQ==\n-----END A-----\n-----BEGIN B-----\n-----END B-----\n";
        let found: Vec<_> = sections(text).map(|s| s.map(|s| (s.label.to_vec(), s.der))).collect();
        assert_eq!(found, [Ok((b"A".to_vec(), b"ManM".to_vec())), Ok((b"B".to_vec(), Vec::new()))]);
        let first_error = |text: &[u8]| sections(text).find_map(Result::err);
        assert_eq!(first_error(b"-----BEGIN A-----\nTWFu\n"), Some("a PEM section has no END line"));
        assert_eq!(first_error(b"-----BEGIN A-----\nTWFu\n-----END B-----\n"), Some("a PEM section has no END line"));
        assert_eq!(first_error(b"-----BEGIN A\nTWFu\n-----END A-----\n"), Some("a PEM BEGIN line is malformed"));
        assert_eq!(first_error(b"-----BEGIN A-----\nTW!u\n-----END A-----\n"), Some("a PEM section is not valid base64"));
        assert_eq!(first_error(b"-----BEGIN A-----\nTQ==TQ\n-----END A-----\n"), Some("a PEM section is not valid base64"));
    }
}
