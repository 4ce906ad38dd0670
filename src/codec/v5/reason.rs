//! MQTT 5.0 reason codes: which ones each packet may carry (MQTT 5.0 table 2-6).
//!
//! A code of 0x80 or more reports a failure; below it, success or a normal outcome.

/// 0x00: Success (also Normal disconnection, Granted QoS 0).
pub const SUCCESS: u8 = 0x00;

/// AUTH 0x18: Continue authentication (a challenge, or an answer to one).
pub const CONTINUE_AUTHENTICATION: u8 = 0x18;
/// AUTH 0x19: Re-authenticate (sent by the client only).
pub const REAUTHENTICATE: u8 = 0x19;

/// True when `code` reports a failure (0x80 or above).
pub fn is_error(code: u8) -> bool {
    code >= 0x80
}

/// A packet type that carries reason codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReasonOf {
    /// CONNACK.
    Connack,
    /// PUBACK or PUBREC.
    PubackPubrec,
    /// PUBREL or PUBCOMP.
    PubrelPubcomp,
    /// SUBACK (one code per filter).
    Suback,
    /// UNSUBACK (one code per filter).
    Unsuback,
    /// DISCONNECT.
    Disconnect,
    /// AUTH.
    Auth,
}

const CONNACK: &[u8] =
    &[0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90, 0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F];
const PUBACK_PUBREC: &[u8] = &[0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99];
const PUBREL_PUBCOMP: &[u8] = &[0x00, 0x92];
const SUBACK: &[u8] = &[0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2];
const UNSUBACK: &[u8] = &[0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91];
const DISCONNECT: &[u8] = &[
    0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E, 0x8F, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D,
    0x9E, 0x9F, 0xA0, 0xA1, 0xA2,
];
const AUTH: &[u8] = &[0x00, 0x18, 0x19];

/// For every code that some packet type may carry (0x00–0x19 at their own index, then
/// 0x80–0xA2), one bit per [`ReasonOf`]: one 61-byte table instead of seven lists and
/// their slice table (measured smaller on Cortex-M4), built from the lists above.
const ALLOWED: [u8; 0x1A + 0x23] = {
    let lists = [CONNACK, PUBACK_PUBREC, PUBREL_PUBCOMP, SUBACK, UNSUBACK, DISCONNECT, AUTH];
    let mut table = [0u8; 0x1A + 0x23];
    let mut of = 0;
    while of < lists.len() {
        let mut i = 0;
        while i < lists[of].len() {
            table[index(lists[of][i]) as usize] |= 1 << of;
            i += 1;
        }
        of += 1;
    }
    table
};

/// Where `code` sits in [`ALLOWED`]; past its end for a code no packet type carries.
const fn index(code: u8) -> u8 {
    match code {
        0..=0x19 => code,
        0x80..=0xA2 => code - 0x80 + 0x1A,
        _ => u8::MAX,
    }
}

impl ReasonOf {
    /// True when this packet type may carry `code`.
    pub fn allows(self, code: u8) -> bool {
        ALLOWED.get(usize::from(index(code))).is_some_and(|bits| bits & 1 << self as u8 != 0)
    }
}
