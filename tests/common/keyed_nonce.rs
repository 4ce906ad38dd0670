//! The challenge/response both MQTT 5.0 authentication tests run: the broker sends a
//! nonce, the client answers with a keyed digest of it, the broker checks the digest.

/// The authentication method named in CONNECT and every AUTH.
pub const METHOD: &str = "KEYED-NONCE";
/// The key both sides share.
pub const KEY: &[u8] = b"shared secret";

/// The digest both sides know: FNV-1a over key and nonce, four rounds with the round
/// number mixed in (deterministic, and a wrong key or nonce gives another answer).
pub fn digest(key: &[u8], nonce: &[u8]) -> Vec<u8> {
    (0u8..4)
        .flat_map(|round| {
            let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ u64::from(round);
            for &b in key.iter().chain(nonce) {
                h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
            }
            h.to_be_bytes()
        })
        .collect()
}
