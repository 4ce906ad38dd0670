//! The PSA Crypto C functions the provider calls, declared by hand (the prototypes of
//! `psa/crypto.h`); called only through the checked wrappers of the parent module.

use super::types::{Algorithm, HashOperation, KeyAttributes, KeyId, Status};

extern "C" {
    pub fn psa_crypto_init() -> Status;
    pub fn psa_generate_random(output: *mut u8, output_size: usize) -> Status;
    pub fn psa_import_key(attributes: *const KeyAttributes, data: *const u8, data_length: usize, key: *mut KeyId) -> Status;
    pub fn psa_generate_key(attributes: *const KeyAttributes, key: *mut KeyId) -> Status;
    pub fn psa_get_key_attributes(key: KeyId, attributes: *mut KeyAttributes) -> Status;
    pub fn psa_reset_key_attributes(attributes: *mut KeyAttributes);
    pub fn psa_export_public_key(key: KeyId, data: *mut u8, data_size: usize, data_length: *mut usize) -> Status;
    pub fn psa_destroy_key(key: KeyId) -> Status;
    pub fn psa_hash_compute(
        alg: Algorithm,
        input: *const u8,
        input_length: usize,
        hash: *mut u8,
        hash_size: usize,
        hash_length: *mut usize,
    ) -> Status;
    pub fn psa_hash_setup(operation: *mut HashOperation, alg: Algorithm) -> Status;
    pub fn psa_hash_update(operation: *mut HashOperation, input: *const u8, input_length: usize) -> Status;
    pub fn psa_hash_finish(operation: *mut HashOperation, hash: *mut u8, hash_size: usize, hash_length: *mut usize) -> Status;
    pub fn psa_hash_clone(source: *const HashOperation, target: *mut HashOperation) -> Status;
    pub fn psa_hash_abort(operation: *mut HashOperation) -> Status;
    pub fn psa_mac_compute(
        key: KeyId,
        alg: Algorithm,
        input: *const u8,
        input_length: usize,
        mac: *mut u8,
        mac_size: usize,
        mac_length: *mut usize,
    ) -> Status;
    pub fn psa_aead_encrypt(
        key: KeyId,
        alg: Algorithm,
        nonce: *const u8,
        nonce_length: usize,
        additional_data: *const u8,
        additional_data_length: usize,
        plaintext: *const u8,
        plaintext_length: usize,
        ciphertext: *mut u8,
        ciphertext_size: usize,
        ciphertext_length: *mut usize,
    ) -> Status;
    pub fn psa_aead_decrypt(
        key: KeyId,
        alg: Algorithm,
        nonce: *const u8,
        nonce_length: usize,
        additional_data: *const u8,
        additional_data_length: usize,
        ciphertext: *const u8,
        ciphertext_length: usize,
        plaintext: *mut u8,
        plaintext_size: usize,
        plaintext_length: *mut usize,
    ) -> Status;
    pub fn psa_raw_key_agreement(
        alg: Algorithm,
        private_key: KeyId,
        peer_key: *const u8,
        peer_key_length: usize,
        output: *mut u8,
        output_size: usize,
        output_length: *mut usize,
    ) -> Status;
    pub fn psa_sign_hash(
        key: KeyId,
        alg: Algorithm,
        hash: *const u8,
        hash_length: usize,
        signature: *mut u8,
        signature_size: usize,
        signature_length: *mut usize,
    ) -> Status;
    pub fn psa_verify_hash(key: KeyId, alg: Algorithm, hash: *const u8, hash_length: usize, signature: *const u8, signature_length: usize) -> Status;
}
