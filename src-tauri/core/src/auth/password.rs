//! Password hashing with Argon2id, and the password policy.
//!
//! Parameters: 19 MiB of memory, 2 passes, 1 lane — the OWASP recommendation for Argon2id;
//! each sign-in costs a few tens of milliseconds on an office PC. Hashes are PHC strings, so
//! stronger parameters later still verify the old ones.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::{CoreError, CoreResult, FieldRule};

pub const MEMORY_KIB: u32 = 19 * 1024;
pub const PASSES: u32 = 2;
pub const LANES: u32 = 1;
pub const MIN_LENGTH: usize = 8;
pub const MAX_LENGTH: usize = 128;

fn hasher() -> CoreResult<Argon2<'static>> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None)
        .map_err(|e| CoreError::Internal(format!("argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

pub fn hash(password: &str) -> CoreResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| CoreError::Internal(format!("hashing failed: {e}")))
}

/// Whether `password` matches the stored PHC string. A damaged hash never matches.
pub fn verify(stored: &str, password: &str) -> bool {
    match (PasswordHash::new(stored), hasher()) {
        (Ok(parsed), Ok(h)) => h.verify_password(password.as_bytes(), &parsed).is_ok(),
        _ => false,
    }
}

/// The rule a new password must meet: 8–128 characters with at least one letter and one digit.
pub fn check_policy(password: &str) -> Result<(), FieldRule> {
    let len = password.chars().count();
    if len < MIN_LENGTH {
        return Err(FieldRule::Invalid { detail: format!("≥ {MIN_LENGTH}") });
    }
    if len > MAX_LENGTH {
        return Err(FieldRule::TooLong { max: MAX_LENGTH });
    }
    let letter = password.chars().any(char::is_alphabetic);
    let digit = password.chars().any(|c| c.is_ascii_digit());
    if !(letter && digit) {
        return Err(FieldRule::Invalid { detail: "A-Z/a-z + 0-9".into() });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_the_stated_parameters_and_a_fresh_salt() {
        let a = hash("Redress2026").expect("hash");
        let b = hash("Redress2026").expect("hash");
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
        assert!(verify(&a, "Redress2026"));
        assert!(!verify(&a, "redress2026"));
        assert!(!verify("not a hash", "Redress2026"));
    }

    #[test]
    fn policy_wants_length_letters_and_digits() {
        assert!(check_policy("abc12").is_err());
        assert!(check_policy("abcdefgh").is_err());
        assert!(check_policy("12345678").is_err());
        assert!(check_policy("密码安全2026").is_ok());
        assert!(check_policy("Passw0rd").is_ok());
        assert!(check_policy(&format!("a1{}", "x".repeat(200))).is_err());
    }
}
