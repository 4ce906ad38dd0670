//! MQTT 5.0 Server Reference (§4.11): a broker ending a connection (DISCONNECT) or refusing
//! one (CONNACK) with 0x9C "use another server" or 0x9D "server moved" may name where to
//! go, as a space-separated list of references, each `host`, `host:port`, `[IPv6]` or
//! `[IPv6]:port`. The first one is taken, its host copied NUL-terminated into caller
//! memory (it becomes a connect call's host), never allocated.

/// A server a broker referred to, its host copied into the caller's buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Referred {
    /// The port named with the host; `None`: the port of the connection that was referred.
    pub port: Option<u16>,
}

/// Copies the host of the first reference in `reference` into `buf` followed by a NUL,
/// and returns its port. `None` (and `buf` unchanged) when the reference is malformed
/// (no host, a port outside 1..=65535) or the host and its NUL do not fit `buf`. The
/// codec has refused U+0000 in the string, so the host has no NUL of its own. Byte loops
/// rather than `str` patterns, which link core's `memchr` (148 B on Cortex-M4).
pub fn copy_first(reference: &str, buf: &mut [u8]) -> Option<Referred> {
    let (host, port) = first_server(reference.as_bytes())?;
    let room = buf.get_mut(..=host.len())?;
    for (to, &from) in room.iter_mut().zip(host.iter().chain(&[0])) {
        *to = from;
    }
    Some(Referred { port })
}

/// The host (brackets removed) and port of the first reference in the list.
fn first_server(list: &[u8]) -> Option<(&[u8], Option<u16>)> {
    let start = list.iter().position(|&b| b != b' ')?;
    let rest = list.get(start..)?;
    let server = rest.get(..rest.iter().position(|&b| b == b' ').unwrap_or(rest.len()))?;
    let (host, port) = match server.split_first() {
        Some((b'[', bracketed)) => {
            let close = bracketed.iter().position(|&b| b == b']')?;
            match (bracketed.get(..close)?, bracketed.get(close..)?) {
                (host, [b']']) => (host, None),
                (host, [b']', b':', port @ ..]) => (host, Some(port)),
                _ => return None,
            }
        }
        // One colon: host and port; more: an IPv6 address without brackets or port.
        _ => match server.iter().position(|&b| b == b':') {
            Some(colon) if server.iter().filter(|&&b| b == b':').count() == 1 => (server.get(..colon)?, Some(server.get(colon + 1..)?)),
            _ => (server, None),
        },
    };
    if host.is_empty() {
        return None;
    }
    match port {
        Some(text) => Some((host, Some(port_number(text)?))),
        None => Some((host, None)),
    }
}

/// A decimal port 1..=65535.
fn port_number(text: &[u8]) -> Option<u16> {
    if text.is_empty() || text.len() > 5 {
        return None;
    }
    let mut n = 0u32;
    for &digit in text {
        if !digit.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u32::from(digit - b'0');
    }
    u16::try_from(n).ok().filter(|&port| port != 0)
}

#[cfg(test)]
mod tests {
    use super::{copy_first, Referred};

    /// The host copied (up to its NUL) and the port, or `None`.
    fn parse(reference: &str, room: usize) -> Option<(String, Option<u16>)> {
        let mut buf = vec![0xAAu8; room];
        let Referred { port } = copy_first(reference, &mut buf)?;
        let end = buf.iter().position(|&b| b == 0).expect("NUL-terminated");
        Some((String::from_utf8(buf[..end].to_vec()).unwrap(), port))
    }

    #[test]
    fn the_first_reference_of_the_list_in_each_form() {
        assert_eq!(parse("b.example", 64), Some(("b.example".into(), None)));
        assert_eq!(parse("b.example:8883", 64), Some(("b.example".into(), Some(8883))));
        assert_eq!(parse("10.10.151.22:8883 [fe80::9610:3eff:fe1c]:1883", 64), Some(("10.10.151.22".into(), Some(8883))));
        assert_eq!(parse("  [fe80::1]:1884 x", 64), Some(("fe80::1".into(), Some(1884))));
        assert_eq!(parse("[fe80::1]", 64), Some(("fe80::1".into(), None)));
        assert_eq!(parse("fe80::1", 64), Some(("fe80::1".into(), None)));
    }

    #[test]
    fn malformed_references_and_hosts_too_long_are_not_followed() {
        for bad in ["", "   ", ":1883", "b.example:", "b.example:0", "b.example:65536", "b.example:12a", "[fe80::1", "[fe80::1]1883", "[]:1883"] {
            assert_eq!(parse(bad, 64), None, "{bad:?}");
        }
        // The host and its NUL must fit: 9 bytes + 1.
        assert_eq!(parse("b.example:1", 9), None);
        assert_eq!(parse("b.example:1", 10), Some(("b.example".into(), Some(1))));
        assert_eq!(parse("b.example", 0), None);
    }
}
