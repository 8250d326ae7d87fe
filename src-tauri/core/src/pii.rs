//! Consumers' personal data in an immutable log: crypto-shredding.
//!
//! Event payloads never hold personal data in plain text. Each consumer gets a random 256-bit
//! key (table `consumer_keys`, outside the log); personal fields are sealed with
//! XChaCha20-Poly1305 under that key, bound to the consumer id. Erasing a consumer destroys the
//! key: the events, their hashes and the chain stay intact and verifiable, and the personal
//! data in them can no longer be read by anyone. See docs/ARCHITECTURE.md.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::SqliteConnection;

use crate::error::{CoreError, CoreResult};

const NONCE_LEN: usize = 24;

pub type ConsumerKey = [u8; 32];

/// A fresh random key (the caller stores it in `consumer_keys`).
pub fn new_key() -> ConsumerKey {
    XChaCha20Poly1305::generate_key(&mut OsRng).into()
}

/// The key of a consumer, created on first use.
pub async fn key_for(conn: &mut SqliteConnection, consumer_id: &str) -> CoreResult<ConsumerKey> {
    if let Some(key) = existing_key(conn, consumer_id).await? {
        return Ok(key);
    }
    let key = new_key();
    sqlx::query("INSERT INTO consumer_keys (consumer_id, key) VALUES (?, ?)")
        .bind(consumer_id)
        .bind(key.as_slice())
        .execute(&mut *conn)
        .await?;
    Ok(key)
}

/// The key if the consumer has one that was not erased.
pub async fn existing_key(
    conn: &mut SqliteConnection,
    consumer_id: &str,
) -> CoreResult<Option<ConsumerKey>> {
    let row: Option<(Option<Vec<u8>>,)> =
        sqlx::query_as("SELECT key FROM consumer_keys WHERE consumer_id = ?")
            .bind(consumer_id)
            .fetch_optional(&mut *conn)
            .await?;
    match row {
        None => Ok(None),
        Some((None,)) => Err(CoreError::PersonalDataErased(consumer_id.into())),
        Some((Some(bytes),)) => bytes
            .try_into()
            .map(Some)
            .map_err(|_| CoreError::Internal(format!("key of consumer {consumer_id} is damaged"))),
    }
}

pub fn seal<T: Serialize>(key: &ConsumerKey, consumer_id: &str, value: &T) -> CoreResult<String> {
    let plain = serde_json::to_vec(value).map_err(|e| CoreError::Internal(e.to_string()))?;
    let cipher = XChaCha20Poly1305::new(key.into());
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let sealed = cipher
        .encrypt(&nonce, Payload { msg: &plain, aad: consumer_id.as_bytes() })
        .map_err(|_| CoreError::Internal("sealing personal data failed".into()))?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    Ok(B64.encode(out))
}

pub fn unseal<T: DeserializeOwned>(
    key: &ConsumerKey,
    consumer_id: &str,
    sealed: &str,
) -> CoreResult<T> {
    let damaged =
        || CoreError::Internal(format!("sealed data of consumer {consumer_id} is damaged"));
    let bytes = B64.decode(sealed).map_err(|_| damaged())?;
    if bytes.len() < NONCE_LEN {
        return Err(damaged());
    }
    let (nonce, body) = bytes.split_at(NONCE_LEN);
    let cipher = XChaCha20Poly1305::new(key.into());
    let plain = cipher
        .decrypt(XNonce::from_slice(nonce), Payload { msg: body, aad: consumer_id.as_bytes() })
        .map_err(|_| damaged())?;
    serde_json::from_slice(&plain).map_err(|_| damaged())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_text_hides_the_plain_text_and_opens_only_for_its_consumer() {
        let key: ConsumerKey = XChaCha20Poly1305::generate_key(&mut OsRng).into();
        let sealed = seal(&key, "c1", &"王小明 13812345678").expect("seal");
        assert!(!sealed.contains("王小明"));
        let back: String = unseal(&key, "c1", &sealed).expect("open");
        assert_eq!(back, "王小明 13812345678");
        assert!(unseal::<String>(&key, "c2", &sealed).is_err());
        let other: ConsumerKey = XChaCha20Poly1305::generate_key(&mut OsRng).into();
        assert!(unseal::<String>(&other, "c1", &sealed).is_err());
    }
}
