//! OIDC / JWT callers: a bearer token is verified against the public keys
//! of a JWKS file (signature, issuer, audience, expiry and not-before, with
//! 30 s leeway), and its role claim decides routes. Only asymmetric
//! algorithms are accepted (RS*, PS*, ES256/384, EdDSA): an HMAC or `none`
//! token is refused, so a public key can never be used as a shared secret.
//! Errors are fixed texts: a token is never echoed.

use crate::keys::Identity;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};

/// A token that does not pass; the message is fixed text.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct OidcError(pub &'static str);

/// Settings and keys for verifying tokens.
#[derive(Clone)]
pub struct Oidc {
    keys: Vec<(Option<String>, Jwk)>,
    issuer: String,
    audience: String,
    role_claim: String,
    name_claim: String,
}

impl std::fmt::Debug for Oidc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Oidc")
            .field("keys", &self.keys.len())
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish()
    }
}

fn asymmetric(a: Algorithm) -> bool {
    !matches!(a, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512)
}

impl Oidc {
    /// From a JWKS document (`{"keys":[…]}`).
    pub fn new(
        jwks: &str,
        issuer: &str,
        audience: &str,
        role_claim: &str,
        name_claim: &str,
    ) -> Result<Oidc, String> {
        let set: JwkSet = serde_json::from_str(jwks).map_err(|e| format!("not a JWKS: {e}"))?;
        let mut keys = Vec::new();
        for (i, k) in set.keys.into_iter().enumerate() {
            if DecodingKey::from_jwk(&k).is_err() {
                return Err(format!("keys[{i}]: unusable key"));
            }
            if matches!(
                k.algorithm,
                jsonwebtoken::jwk::AlgorithmParameters::OctetKey(_)
            ) {
                return Err(format!("keys[{i}]: symmetric keys are not accepted"));
            }
            keys.push((k.common.key_id.clone(), k));
        }
        if keys.is_empty() {
            return Err("the JWKS has no key".into());
        }
        if issuer.is_empty() || audience.is_empty() {
            return Err("issuer and audience are required".into());
        }
        Ok(Oidc {
            keys,
            issuer: issuer.to_string(),
            audience: audience.to_string(),
            role_claim: role_claim.to_string(),
            name_claim: name_claim.to_string(),
        })
    }

    /// Whether `token` looks like a JWT (three dot-separated parts).
    pub fn looks_like_jwt(token: &[u8]) -> bool {
        token.iter().filter(|b| **b == b'.').count() == 2 && token.starts_with(b"eyJ")
    }

    /// Verifies a token; the caller's identity from its claims.
    pub fn verify(&self, token: &str) -> Result<Identity, OidcError> {
        let header =
            jsonwebtoken::decode_header(token).map_err(|_| OidcError("malformed token"))?;
        if !asymmetric(header.alg) {
            return Err(OidcError("token algorithm not accepted"));
        }
        let jwk = match &header.kid {
            Some(kid) => self
                .keys
                .iter()
                .find(|(k, _)| k.as_deref() == Some(kid.as_str())),
            None if self.keys.len() == 1 => self.keys.first(),
            None => None,
        }
        .map(|(_, j)| j)
        .ok_or(OidcError("no key for this token"))?;
        if let Some(a) = jwk.common.key_algorithm {
            if format!("{a:?}") != format!("{:?}", header.alg) {
                return Err(OidcError("token algorithm does not match its key"));
            }
        }
        let key = DecodingKey::from_jwk(jwk).map_err(|_| OidcError("no key for this token"))?;
        let mut v = Validation::new(header.alg);
        v.set_issuer(&[&self.issuer]);
        v.set_audience(&[&self.audience]);
        v.set_required_spec_claims(&["exp", "iss", "aud"]);
        v.validate_nbf = true;
        v.leeway = 30;
        let data = jsonwebtoken::decode::<serde_json::Value>(token, &key, &v).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind as K;
            OidcError(match e.kind() {
                K::ExpiredSignature => "token expired",
                K::ImmatureSignature => "token not valid yet",
                K::InvalidIssuer => "token issuer not accepted",
                K::InvalidAudience => "token audience not accepted",
                K::InvalidSignature => "token signature invalid",
                _ => "token not accepted",
            })
        })?;
        let claims = data.claims;
        let roles: Vec<String> = match claims.get(&self.role_claim) {
            Some(serde_json::Value::String(s)) => vec![s.clone()],
            Some(serde_json::Value::Array(a)) => a
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        };
        let name = claims
            .get(&self.name_claim)
            .and_then(|v| v.as_str())
            .filter(|s| s.len() <= 128)
            .unwrap_or("-")
            .to_string();
        Ok(Identity { name, roles })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use base64::Engine as _;
    use jsonwebtoken::{EncodingKey, Header};
    use ring::signature::{Ed25519KeyPair, KeyPair};

    /// An Ed25519 signing key and its JWKS entry.
    pub struct TestIdp {
        pkcs8: Vec<u8>,
        pub jwk: String,
    }

    impl TestIdp {
        pub fn new(kid: &str) -> TestIdp {
            let rng = ring::rand::SystemRandom::new();
            let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng)
                .unwrap()
                .as_ref()
                .to_vec();
            let pair = Ed25519KeyPair::from_pkcs8(&pkcs8).unwrap();
            let x =
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(pair.public_key().as_ref());
            let jwk = format!(
                r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}","kid":"{kid}","alg":"EdDSA","use":"sig"}}"#
            );
            TestIdp { pkcs8, jwk }
        }

        pub fn jwks(idps: &[&TestIdp]) -> String {
            let keys: Vec<&str> = idps.iter().map(|i| i.jwk.as_str()).collect();
            format!(r#"{{"keys":[{}]}}"#, keys.join(","))
        }

        pub fn token(&self, kid: &str, claims: serde_json::Value) -> String {
            let mut h = Header::new(Algorithm::EdDSA);
            h.kid = Some(kid.to_string());
            jsonwebtoken::encode(&h, &claims, &EncodingKey::from_ed_der(&self.pkcs8)).unwrap()
        }
    }

    pub fn now() -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    }

    #[test]
    fn verifies_issuer_audience_expiry_and_signature() {
        let idp = TestIdp::new("k1");
        let other = TestIdp::new("k1");
        let o = Oidc::new(
            &TestIdp::jwks(&[&idp]),
            "https://idp",
            "stanch",
            "roles",
            "sub",
        )
        .unwrap();
        let claims = |iss: &str, aud: &str, exp: u64| serde_json::json!({"iss": iss, "aud": aud, "exp": exp, "sub": "u-1", "roles": ["dev", "x"]});
        let id = o
            .verify(&idp.token("k1", claims("https://idp", "stanch", now() + 600)))
            .unwrap();
        assert_eq!(id.name, "u-1");
        assert_eq!(id.roles, ["dev", "x"]);
        let err = |t: String| o.verify(&t).unwrap_err().0;
        assert_eq!(
            err(idp.token("k1", claims("https://evil", "stanch", now() + 600))),
            "token issuer not accepted"
        );
        assert_eq!(
            err(idp.token("k1", claims("https://idp", "other", now() + 600))),
            "token audience not accepted"
        );
        assert_eq!(
            err(idp.token("k1", claims("https://idp", "stanch", now() - 600))),
            "token expired"
        );
        assert_eq!(
            err(other.token("k1", claims("https://idp", "stanch", now() + 600))),
            "token signature invalid"
        );
        assert_eq!(
            err(idp.token("k9", claims("https://idp", "stanch", now() + 600))),
            "no key for this token"
        );
        assert_eq!(err("eyJ.garbage.x".into()), "malformed token");
        // An HMAC token (signed with anything) is refused before any key is used.
        let hs = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims("https://idp", "stanch", now() + 600),
            &EncodingKey::from_secret(b"k"),
        )
        .unwrap();
        assert_eq!(err(hs), "token algorithm not accepted");
        assert!(Oidc::looks_like_jwt(
            idp.token("k1", claims("a", "b", 1)).as_bytes()
        ));
        assert!(!Oidc::looks_like_jwt(b"stk_abc"));
    }

    #[test]
    fn bad_jwks_refused() {
        assert!(Oidc::new("{}", "i", "a", "r", "s").is_err());
        assert!(Oidc::new(r#"{"keys":[]}"#, "i", "a", "r", "s").is_err());
        assert!(Oidc::new(
            r#"{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}"#,
            "i",
            "a",
            "r",
            "s"
        )
        .is_err());
        let idp = TestIdp::new("k");
        assert!(Oidc::new(&TestIdp::jwks(&[&idp]), "", "a", "r", "s").is_err());
    }
}
