//! `mqtt_rs_sha256_*` and `mqtt_rs_signature_verify`: the crypto a device needs to check
//! a firmware update, done by the TLS build's provider (ring, RustCrypto or PSA). Present
//! in every build so one header serves all; without the cargo feature `tls` they return
//! `MQTT_RS_TLS_NOT_BUILT`.

#![allow(non_camel_case_types)]

use super::result::mqtt_rs_result::{self, *};

/// Bytes of caller storage a SHA-256 computation needs (`mqtt_rs_sha256_ctx`), on every
/// target: room for the largest provider state (a PSA hash operation) plus alignment.
pub const MQTT_RS_SHA256_CTX_SIZE: usize = 560;
/// `mqtt_rs_sha256_ctx` storage in 8-byte words.
pub const MQTT_RS_SHA256_CTX_WORDS: usize = MQTT_RS_SHA256_CTX_SIZE / 8;
/// Bytes of a SHA-256 digest.
pub const MQTT_RS_SHA256_DIGEST_SIZE: usize = 32;
/// `mqtt_rs_signature_verify` algorithm: ECDSA on P-256 over SHA-256 of the message. Key:
/// the uncompressed point (65 bytes, `04 || X || Y`). Signature: DER (what
/// `openssl dgst -sha256 -sign` writes) or `r || s` (64 bytes). Every provider.
pub const MQTT_RS_SIG_ECDSA_P256_SHA256: i32 = 1;
/// `mqtt_rs_signature_verify` algorithm: Ed25519 over the message. Key: 32 bytes.
/// Signature: 64 bytes. Only the ring provider (hosts) offers it; the others return
/// `MQTT_RS_CRYPTO_UNSUPPORTED`.
pub const MQTT_RS_SIG_ED25519: i32 = 2;

/// Storage for one SHA-256 computation, owned by the caller (static, stack or pool).
/// Opaque; keep it at a fixed address from `mqtt_rs_sha256_init()` to
/// `mqtt_rs_sha256_final()` (a PSA operation must not move).
#[repr(C)]
pub struct mqtt_rs_sha256_ctx {
    /// Opaque storage.
    pub opaque: [u64; MQTT_RS_SHA256_CTX_WORDS],
}

#[cfg(feature = "tls")]
mod enabled {
    use super::*;
    use crate::ffi::check::{try_slice, try_slice_mut};
    use crate::transport::tls::device::{self, Sha256, SignatureAlgorithm, VerifyError};
    use core::mem::{align_of, size_of};

    /// Marks a started computation.
    const MAGIC: u32 = 0x7368_6132;

    /// What lives in `mqtt_rs_sha256_ctx` storage, at its first suitably aligned byte.
    #[repr(C)]
    struct Slot {
        hash: Sha256,
        magic: u32,
    }

    // The slot fits at any 8-byte-aligned address of the storage.
    const _: () = assert!(size_of::<Slot>() + align_of::<Slot>() - 8 <= MQTT_RS_SHA256_CTX_SIZE);
    const _: () = assert!(size_of::<mqtt_rs_sha256_ctx>() == MQTT_RS_SHA256_CTX_SIZE);

    /// The slot inside `ctx`, or `MQTT_RS_NULL_ARGUMENT`.
    fn slot(ctx: *mut mqtt_rs_sha256_ctx) -> Result<*mut Slot, mqtt_rs_result> {
        if ctx.is_null() {
            return Err(MQTT_RS_NULL_ARGUMENT);
        }
        let bytes = ctx.cast::<u8>();
        Ok(bytes.wrapping_add(bytes.align_offset(align_of::<Slot>())).cast::<Slot>())
    }

    /// The started computation in `ctx`, or `MQTT_RS_WRONG_STATE`.
    ///
    /// # Safety
    /// `ctx` is NULL or valid caller storage, unaliased during `'a`.
    unsafe fn started<'a>(ctx: *mut mqtt_rs_sha256_ctx) -> Result<&'a mut Slot, mqtt_rs_result> {
        let slot = slot(ctx)?;
        // SAFETY: the slot lies inside the caller's storage (size checked above); the magic
        // is read as raw bytes, which any storage content may be, and the hash is only
        // referenced once the magic shows `init` wrote a whole `Slot` there.
        unsafe {
            match core::ptr::addr_of!((*slot).magic).read() == MAGIC {
                true => Ok(&mut *slot),
                false => Err(MQTT_RS_WRONG_STATE),
            }
        }
    }

    pub(super) unsafe fn init(ctx: *mut mqtt_rs_sha256_ctx) -> Result<(), mqtt_rs_result> {
        let slot = slot(ctx)?;
        // SAFETY: the slot is inside the caller's storage, aligned; whatever was there is
        // overwritten without being read (a computation left unfinished is abandoned), and
        // the new value is started in place, where it stays.
        unsafe {
            slot.write(Slot { hash: Sha256::default(), magic: 0 });
            let slot = &mut *slot;
            if !slot.hash.start() {
                core::ptr::drop_in_place(&mut slot.hash);
                return Err(MQTT_RS_CRYPTO_UNSUPPORTED);
            }
            slot.magic = MAGIC;
        }
        Ok(())
    }

    pub(super) unsafe fn update(ctx: *mut mqtt_rs_sha256_ctx, data: *const u8, len: usize) -> Result<(), mqtt_rs_result> {
        // SAFETY: the caller upholds `mqtt_rs_sha256_update`'s contract.
        unsafe {
            let slot = started(ctx)?;
            let data = try_slice(data, len)?;
            if !slot.hash.update(data) {
                finish(slot);
                return Err(MQTT_RS_CRYPTO_UNSUPPORTED);
            }
        }
        Ok(())
    }

    pub(super) unsafe fn finalize(ctx: *mut mqtt_rs_sha256_ctx, digest: *mut u8) -> Result<(), mqtt_rs_result> {
        // SAFETY: the caller upholds `mqtt_rs_sha256_final`'s contract.
        unsafe {
            let slot = started(ctx)?;
            let out = try_slice_mut(digest, MQTT_RS_SHA256_DIGEST_SIZE)?;
            let result = slot.hash.finish();
            finish(slot);
            out.copy_from_slice(&result.ok_or(MQTT_RS_CRYPTO_UNSUPPORTED)?);
        }
        Ok(())
    }

    /// Ends the computation in `slot`: the storage may be reused or forgotten.
    fn finish(slot: &mut Slot) {
        slot.magic = 0;
        // SAFETY: the hash was written by `init` and is not used again before the next one.
        unsafe { core::ptr::drop_in_place(&mut slot.hash) };
    }

    pub(super) fn verify(alg: i32, key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), mqtt_rs_result> {
        let alg = match alg {
            MQTT_RS_SIG_ECDSA_P256_SHA256 => SignatureAlgorithm::EcdsaP256Sha256,
            MQTT_RS_SIG_ED25519 => SignatureAlgorithm::Ed25519,
            _ => return Err(MQTT_RS_INVALID_ARGUMENT),
        };
        device::verify(alg, key, message, signature).map_err(|e| match e {
            VerifyError::BadSignature => MQTT_RS_SIGNATURE_INVALID,
            VerifyError::BadKey => MQTT_RS_PUBLIC_KEY_INVALID,
            VerifyError::Unsupported => MQTT_RS_CRYPTO_UNSUPPORTED,
        })
    }
}

/// The result of a crypto call in this build.
#[cfg(feature = "tls")]
fn status(outcome: Result<(), mqtt_rs_result>) -> mqtt_rs_result {
    outcome.err().unwrap_or(MQTT_RS_OK)
}

/// Starts a SHA-256 computation in `ctx`. One started there before and not finished is
/// abandoned (with PSA its operation is not aborted: finish it first).
///
/// @param ctx Caller storage; stays at its address until mqtt_rs_sha256_final().
/// @return `MQTT_RS_OK`; `MQTT_RS_NULL_ARGUMENT`; `MQTT_RS_CRYPTO_UNSUPPORTED` if the
///         provider failed (PSA); `MQTT_RS_TLS_NOT_BUILT` without the TLS build.
///
/// @code{.c}
/// static mqtt_rs_sha256_ctx sha;
/// uint8_t digest[MQTT_RS_SHA256_DIGEST_SIZE];
/// mqtt_rs_sha256_init(&sha);
/// mqtt_rs_sha256_update(&sha, chunk, chunk_len);     // as often as needed
/// mqtt_rs_sha256_final(&sha, digest);
/// @endcode
///
/// # Safety
///
/// `ctx` is NULL or points to `mqtt_rs_sha256_ctx` storage used by no other thread during the call.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_sha256_init(ctx: *mut mqtt_rs_sha256_ctx) -> mqtt_rs_result {
    #[cfg(feature = "tls")]
    // SAFETY: the caller upholds this function's `# Safety` contract.
    return status(unsafe { enabled::init(ctx) });
    #[cfg(not(feature = "tls"))]
    {
        let _ = ctx;
        MQTT_RS_TLS_NOT_BUILT
    }
}

/// Hashes `len` bytes of `data` after what came before.
///
/// @param ctx A computation started by mqtt_rs_sha256_init().
/// @param data The bytes; may be NULL when `len` is 0.
/// @param len Number of bytes.
/// @return `MQTT_RS_OK`; `MQTT_RS_NULL_ARGUMENT`; `MQTT_RS_WRONG_STATE` if `ctx` was not
///         started (or was finished); `MQTT_RS_CRYPTO_UNSUPPORTED` if the provider failed
///         (the computation is then over); `MQTT_RS_TLS_NOT_BUILT` without the TLS build.
///
/// # Safety
///
/// `ctx` as for mqtt_rs_sha256_init(); `data` is NULL or valid for `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_sha256_update(ctx: *mut mqtt_rs_sha256_ctx, data: *const u8, len: usize) -> mqtt_rs_result {
    #[cfg(feature = "tls")]
    // SAFETY: the caller upholds this function's `# Safety` contract.
    return status(unsafe { enabled::update(ctx, data, len) });
    #[cfg(not(feature = "tls"))]
    {
        let _ = (ctx, data, len);
        MQTT_RS_TLS_NOT_BUILT
    }
}

/// Writes the digest of everything hashed into `digest` and ends the computation (start
/// another with mqtt_rs_sha256_init()).
///
/// @param ctx A computation started by mqtt_rs_sha256_init().
/// @param digest Receives `MQTT_RS_SHA256_DIGEST_SIZE` (32) bytes.
/// @return `MQTT_RS_OK`; `MQTT_RS_NULL_ARGUMENT`; `MQTT_RS_WRONG_STATE` if `ctx` was not
///         started; `MQTT_RS_CRYPTO_UNSUPPORTED` if the provider failed;
///         `MQTT_RS_TLS_NOT_BUILT` without the TLS build.
///
/// # Safety
///
/// `ctx` as for mqtt_rs_sha256_init(); `digest` is NULL or valid for 32 bytes of writes.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_sha256_final(ctx: *mut mqtt_rs_sha256_ctx, digest: *mut u8) -> mqtt_rs_result {
    #[cfg(feature = "tls")]
    // SAFETY: the caller upholds this function's `# Safety` contract.
    return status(unsafe { enabled::finalize(ctx, digest) });
    #[cfg(not(feature = "tls"))]
    {
        let _ = (ctx, digest);
        MQTT_RS_TLS_NOT_BUILT
    }
}

/// Checks `signature` over `message` with `public_key` (a key the caller trusts, e.g.
/// compiled into the firmware — never one taken from the message it checks).
///
/// @param alg `MQTT_RS_SIG_ECDSA_P256_SHA256` or `MQTT_RS_SIG_ED25519`.
/// @param public_key The key in the algorithm's raw form (see the constants).
/// @param key_len Its length.
/// @param message The signed bytes (hashed inside: ECDSA signs SHA-256 of them).
/// @param message_len Their length.
/// @param signature The signature (see the constants for the forms).
/// @param signature_len Its length.
/// @return `MQTT_RS_OK` when it verifies; `MQTT_RS_SIGNATURE_INVALID` when it does not;
///         `MQTT_RS_PUBLIC_KEY_INVALID` for a key of the wrong form;
///         `MQTT_RS_CRYPTO_UNSUPPORTED` if the provider lacks the algorithm;
///         `MQTT_RS_INVALID_ARGUMENT` for an unknown `alg`; `MQTT_RS_NULL_ARGUMENT`;
///         `MQTT_RS_TLS_NOT_BUILT` without the TLS build.
///
/// # Safety
///
/// Each pointer is NULL or valid for reads of its length.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_signature_verify(
    alg: i32,
    public_key: *const u8,
    key_len: usize,
    message: *const u8,
    message_len: usize,
    signature: *const u8,
    signature_len: usize,
) -> mqtt_rs_result {
    #[cfg(feature = "tls")]
    // SAFETY: the caller upholds this function's `# Safety` contract.
    unsafe {
        use super::check::try_slice;
        status((|| enabled::verify(alg, try_slice(public_key, key_len)?, try_slice(message, message_len)?, try_slice(signature, signature_len)?))())
    }
    #[cfg(not(feature = "tls"))]
    {
        let _ = (alg, public_key, key_len, message, message_len, signature, signature_len);
        MQTT_RS_TLS_NOT_BUILT
    }
}
