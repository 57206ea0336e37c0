//! OIDC / JWT callers: a bearer token is verified against the public keys
//! of a JWKS file (signature, issuer, audience, expiry and not-before, with
//! 30 s leeway), and its role claim decides routes. Only asymmetric
//! algorithms are accepted (RS*, PS*, ES256/384, EdDSA): an HMAC or `none`
//! token is refused, so a public key can never be used as a shared secret.
//! Errors are fixed texts: a token is never echoed.

use crate::keys::Identity;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// A token that does not pass; the message is fixed text.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct OidcError(pub &'static str);

type Keys = Vec<(Option<String>, Jwk)>;

/// Settings and keys for verifying tokens. With a JWKS URL the keys are
/// shared with the task that refreshes them ([`Oidc::jwks_url`]).
#[derive(Clone)]
pub struct Oidc {
    keys: Arc<RwLock<Keys>>,
    issuer: String,
    audience: String,
    role_claim: String,
    name_claim: String,
    remote: Option<Arc<Remote>>,
}

/// Where remote keys come from and when they were last fetched.
#[derive(Debug)]
struct Remote {
    url: String,
    refresh: Duration,
    /// Last fetch attempt and last success.
    state: Mutex<(Option<Instant>, Option<Instant>)>,
    /// Set when a token names a key we do not have (key rotation).
    unknown_kid: AtomicBool,
    wake: tokio::sync::Notify,
}

impl std::fmt::Debug for Oidc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Oidc")
            .field("keys", &self.read_keys().len())
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("jwks_url", &self.jwks_url())
            .finish()
    }
}

/// Smallest gap between two fetches prompted by unknown key ids, and
/// between retries while no key has been loaded.
pub const MIN_REFETCH: Duration = Duration::from_secs(10);
/// Largest JWKS document read.
pub const MAX_JWKS_BYTES: usize = 1 << 20;

fn parse_jwks(jwks: &str) -> Result<Keys, String> {
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
    Ok(keys)
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
        let keys = parse_jwks(jwks)?;
        let mut o = Oidc::without_keys(issuer, audience, role_claim, name_claim)?;
        o.keys = Arc::new(RwLock::new(keys));
        Ok(o)
    }

    /// With keys fetched from `url` (https, or http to a loopback address)
    /// by [`refresh_task`], every `refresh` and when a token names an
    /// unknown key. Until the first fetch succeeds every token is refused.
    pub fn from_url(
        url: &str,
        refresh: Duration,
        issuer: &str,
        audience: &str,
        role_claim: &str,
        name_claim: &str,
    ) -> Result<Oidc, String> {
        check_jwks_url(url)?;
        let mut o = Oidc::without_keys(issuer, audience, role_claim, name_claim)?;
        o.remote = Some(Arc::new(Remote {
            url: url.to_string(),
            refresh: refresh.max(MIN_REFETCH),
            state: Mutex::new((None, None)),
            unknown_kid: AtomicBool::new(false),
            wake: tokio::sync::Notify::new(),
        }));
        Ok(o)
    }

    fn without_keys(
        issuer: &str,
        audience: &str,
        role_claim: &str,
        name_claim: &str,
    ) -> Result<Oidc, String> {
        if issuer.is_empty() || audience.is_empty() {
            return Err("issuer and audience are required".into());
        }
        Ok(Oidc {
            keys: Arc::new(RwLock::new(Vec::new())),
            issuer: issuer.to_string(),
            audience: audience.to_string(),
            role_claim: role_claim.to_string(),
            name_claim: name_claim.to_string(),
            remote: None,
        })
    }

    fn read_keys(&self) -> std::sync::RwLockReadGuard<'_, Keys> {
        self.keys.read().unwrap_or_else(|p| p.into_inner())
    }

    /// The JWKS URL, when keys are fetched.
    pub fn jwks_url(&self) -> Option<&str> {
        self.remote.as_deref().map(|r| r.url.as_str())
    }

    /// Number of keys loaded.
    pub fn key_count(&self) -> usize {
        self.read_keys().len()
    }

    /// Replaces the keys with those of a JWKS document; on error the old
    /// keys stay.
    pub fn set_jwks(&self, jwks: &str) -> Result<usize, String> {
        let keys = parse_jwks(jwks)?;
        let n = keys.len();
        *self.keys.write().unwrap_or_else(|p| p.into_inner()) = keys;
        Ok(n)
    }

    /// Takes over the keys and fetch state of `old` when both fetch the
    /// same URL (a config reload must not leave a gap without keys).
    pub fn adopt(&mut self, old: &Oidc) {
        if let (Some(a), Some(b)) = (&self.remote, &old.remote) {
            if a.url == b.url {
                self.keys = old.keys.clone();
                self.remote = old.remote.clone();
            }
        }
    }

    /// Whether a fetch is due now.
    fn fetch_due(&self, now: Instant) -> bool {
        let Some(r) = &self.remote else { return false };
        let (tried, ok) = *r.state.lock().unwrap_or_else(|p| p.into_inner());
        let since =
            |t: Option<Instant>| t.map_or(Duration::MAX, |t| now.saturating_duration_since(t));
        if since(tried) < MIN_REFETCH {
            return false;
        }
        ok.is_none() || since(ok) >= r.refresh || r.unknown_kid.load(Ordering::Relaxed)
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
        let keys = self.read_keys();
        if keys.is_empty() {
            return Err(OidcError("signing keys not loaded yet"));
        }
        let jwk = match &header.kid {
            Some(kid) => keys
                .iter()
                .find(|(k, _)| k.as_deref() == Some(kid.as_str())),
            None if keys.len() == 1 => keys.first(),
            None => None,
        }
        .map(|(_, j)| j.clone());
        let Some(jwk) = jwk else {
            if let Some(r) = &self.remote {
                r.unknown_kid.store(true, Ordering::Relaxed);
                r.wake.notify_one();
            }
            return Err(OidcError("no key for this token"));
        };
        drop(keys);
        if let Some(a) = jwk.common.key_algorithm {
            if format!("{a:?}") != format!("{:?}", header.alg) {
                return Err(OidcError("token algorithm does not match its key"));
            }
        }
        let key = DecodingKey::from_jwk(&jwk).map_err(|_| OidcError("no key for this token"))?;
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

/// A JWKS URL must be https, or http to a loopback address (tests, a
/// sidecar), with no credentials in it.
pub fn check_jwks_url(url: &str) -> Result<(), String> {
    crate::config::check_upstream(url)
        .map_err(|e| e.to_string().replace("upstream", "JWKS URL"))?;
    if let Some(rest) = url.strip_prefix("http://") {
        let host = rest.split('/').next().unwrap_or("");
        let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
        let loopback = host == "localhost"
            || host
                .trim_matches(['[', ']'])
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        if !loopback {
            return Err("a JWKS URL must use https (http only to a loopback address)".into());
        }
    }
    Ok(())
}

/// One fetch of a JWKS document (bounded, within `timeout`).
async fn fetch(
    client: &reqwest::Client,
    url: &str,
    timeout: Duration,
) -> Result<String, &'static str> {
    let get = async {
        let resp = client.get(url).send().await.map_err(|_| "request failed")?;
        if !resp.status().is_success() {
            return Err("status not 2xx");
        }
        let mut body = Vec::new();
        let mut resp = resp;
        while let Some(chunk) = resp.chunk().await.map_err(|_| "body broken off")? {
            if body.len() + chunk.len() > MAX_JWKS_BYTES {
                return Err("document too large");
            }
            body.extend_from_slice(&chunk);
        }
        String::from_utf8(body).map_err(|_| "not UTF-8")
    };
    tokio::time::timeout(timeout, get)
        .await
        .map_err(|_| "timed out")?
}

/// Keeps the keys of whatever OIDC config `current` returns fresh: fetches
/// when none are loaded (retrying every [`MIN_REFETCH`]), when the refresh
/// interval has passed, and soon after a token named an unknown key. A
/// failed fetch keeps the old keys. Runs until the runtime stops.
pub async fn refresh_task(
    client: reqwest::Client,
    current: impl Fn() -> Option<Oidc> + Send + 'static,
) {
    loop {
        let Some(o) = current() else {
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        };
        let Some(r) = o.remote.clone() else {
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        };
        let now = Instant::now();
        if o.fetch_due(now) {
            r.unknown_kid.store(false, Ordering::Relaxed);
            r.state.lock().unwrap_or_else(|p| p.into_inner()).0 = Some(now);
            match fetch(&client, &r.url, Duration::from_secs(10)).await {
                Ok(text) => match o.set_jwks(&text) {
                    Ok(n) => {
                        r.state.lock().unwrap_or_else(|p| p.into_inner()).1 = Some(Instant::now());
                        tracing::info!(keys = n, "OIDC signing keys loaded from the JWKS URL");
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "JWKS URL served an unusable document; old keys kept")
                    }
                },
                Err(e) => {
                    tracing::error!(error = e, "JWKS URL could not be fetched; old keys kept")
                }
            }
        }
        tokio::select! {
            _ = r.wake.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
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
