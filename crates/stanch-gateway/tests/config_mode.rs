//! Config mode end to end: routes from a gateway config file, gateway API
//! keys, OIDC tokens, roles, allowed models, upstream credentials, reload.

mod common;

use common::*;

fn write_config(dir: &std::path::Path, upstream: &str, models: &str) -> std::path::PathBuf {
    let p = dir.join("gateway.toml");
    std::fs::write(
        &p,
        format!(
            r#"
keys_file = "keys.toml"
[[routes]]
name = "oa"
prefix = "/openai"
provider = "openai"
upstream = "{upstream}"
models = [{models}]
roles = ["dev"]
credential_env = "STANCH_TEST_UPSTREAM_KEY"
role_actions.dev = {{ pii = "warn" }}
[[routes]]
name = "an"
prefix = "/anthropic"
provider = "anthropic"
upstream = "{upstream}"
roles = ["admin"]
"#
        ),
    )
    .unwrap();
    p
}

#[tokio::test]
async fn config_mode_keys_roles_models_credentials_and_reload() {
    let dir = std::env::temp_dir().join(format!("stanch-gw-cfg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (alice, rec) = stanch_gateway::keys::mint("alice", "dev").unwrap();
    std::fs::write(
        dir.join("keys.toml"),
        stanch_gateway::keys::record_toml(&rec),
    )
    .unwrap();
    std::env::set_var("STANCH_TEST_UPSTREAM_KEY", "sk-upstream-route-secret");
    let h = start().await;
    let path = write_config(&dir, &h.upstream, r#""gpt-4o-mini""#);
    h.gw.reload(&path).unwrap();
    let call = |key: Option<&str>, path: &str, model: &str| {
        let mut r = h
            .client
            .post(format!("{}{path}", h.base))
            .header("x-fake-mode", "json")
            .body(format!(
                r#"{{"model":"{model}","messages":[{{"role":"user","content":"t {GH}"}}]}}"#
            ));
        if let Some(k) = key {
            r = r.bearer_auth(k);
        }
        async move {
            let r = r.send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    // No key, a wrong key: 401 in the provider's format.
    let (st, body) = call(None, "/openai/v1/chat/completions", "gpt-4o-mini").await;
    assert_eq!(st, 401, "{body}");
    assert!(body.contains("authentication_error"), "{body}");
    assert_eq!(
        call(
            Some("stk_wrong"),
            "/openai/v1/chat/completions",
            "gpt-4o-mini"
        )
        .await
        .0,
        401
    );
    // Right key, wrong role for the route: 403.
    let (st, body) = call(Some(&alice), "/anthropic/v1/messages", "c").await;
    assert_eq!(st, 403, "{body}");
    assert!(body.contains("stanch_forbidden_route") || body.contains("permission_error"));
    // Model not allowed: 403; nothing went upstream so far.
    assert_eq!(
        call(Some(&alice), "/openai/v1/chat/completions", "gpt-5")
            .await
            .0,
        403
    );
    // A second `model` key (which some parsers let win) is checked too.
    let dup = r#"gpt-4o-mini","model":"gpt-5"#;
    assert_eq!(
        call(Some(&alice), "/openai/v1/chat/completions", dup)
            .await
            .0,
        403
    );
    assert!(h.upstream_bodies().is_empty());
    // Allowed: the upstream gets the route's credential, never the gateway key.
    let (st, body) = call(Some(&alice), "/openai/v1/chat/completions", "gpt-4o-mini").await;
    assert_eq!(st, 200, "{body}");
    let auth = h.seen.lock().unwrap().auth.pop().unwrap();
    assert_eq!(auth, "Bearer sk-upstream-route-secret");
    assert!(!h.upstream_bodies().pop().unwrap().contains(GH));
    // The dev role's own policy: personal data is only warned about.
    let r = h
        .client
        .post(format!("{}/openai/v1/chat/completions", h.base))
        .bearer_auth(alice.as_str())
        .header("x-fake-mode", "json")
        .body(chat("mail bob@acme.io", false).replace("gpt-4o", "gpt-4o-mini"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-stanch-warnings"], "email=1");
    assert!(h.upstream_bodies().pop().unwrap().contains("bob@acme.io"));
    // Quick-start paths are gone in config mode.
    assert_eq!(
        call(Some(&alice), "/v1/chat/completions", "gpt-4o-mini")
            .await
            .0,
        404
    );
    // An invalid new config leaves the running one in place.
    std::fs::write(&path, "routes = 3\n").unwrap();
    assert!(h.gw.reload(&path).is_err());
    assert_eq!(
        call(Some(&alice), "/openai/v1/chat/completions", "gpt-4o-mini")
            .await
            .0,
        200
    );
    // A valid one takes effect: now gpt-5 is the allowed model.
    write_config(&dir, &h.upstream, r#""gpt-5""#);
    h.gw.reload(&path).unwrap();
    assert_eq!(
        call(Some(&alice), "/openai/v1/chat/completions", "gpt-5")
            .await
            .0,
        200
    );
    assert_eq!(
        call(Some(&alice), "/openai/v1/chat/completions", "gpt-4o-mini")
            .await
            .0,
        403
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// An Ed25519 identity provider for tests: (JWKS document, token signer).
fn test_idp() -> (String, impl Fn(serde_json::Value) -> String) {
    test_idp_kid("k1")
}

fn test_idp_kid(kid: &'static str) -> (String, impl Fn(serde_json::Value) -> String) {
    use base64::Engine as _;
    use ring::signature::{Ed25519KeyPair, KeyPair};
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new())
        .unwrap()
        .as_ref()
        .to_vec();
    let pair = Ed25519KeyPair::from_pkcs8(&pkcs8).unwrap();
    let x = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(pair.public_key().as_ref());
    let jwks = format!(
        r#"{{"keys":[{{"kty":"OKP","crv":"Ed25519","x":"{x}","kid":"{kid}","alg":"EdDSA"}}]}}"#
    );
    let sign = move |claims: serde_json::Value| {
        let mut h = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::EdDSA);
        h.kid = Some(kid.into());
        jsonwebtoken::encode(&h, &claims, &jsonwebtoken::EncodingKey::from_ed_der(&pkcs8)).unwrap()
    };
    (jwks, sign)
}

#[tokio::test]
async fn oidc_tokens_decide_routes() {
    let dir = std::env::temp_dir().join(format!("stanch-gw-oidc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (jwks, sign) = test_idp();
    std::fs::write(dir.join("jwks.json"), jwks).unwrap();
    let h = start().await;
    let path = dir.join("gateway.toml");
    std::fs::write(
        &path,
        format!(
            r#"
oidc = {{ jwks_file = "jwks.json", issuer = "https://idp.test", audience = "stanch", role_claim = "roles" }}
[[routes]]
name = "oa"
prefix = "/openai"
provider = "openai"
upstream = "{}"
roles = ["dev"]
"#,
            h.upstream
        ),
    )
    .unwrap();
    h.gw.reload(&path).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let token = |roles: &[&str], aud: &str, exp: u64| {
        sign(
            serde_json::json!({"iss": "https://idp.test", "aud": aud, "exp": exp, "sub": "user-7", "roles": roles}),
        )
    };
    let call = |t: String| {
        let r = h
            .client
            .post(format!("{}/openai/v1/chat/completions", h.base))
            .bearer_auth(t)
            .header("x-fake-mode", "json")
            .body(chat("hello", false));
        async move {
            let r = r.send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let good = token(&["dev"], "stanch", now + 300);
    let (st, body) = call(good.clone()).await;
    assert_eq!(st, 200, "{body}");
    // The token is the caller's credential to the gateway: not forwarded.
    assert_eq!(h.seen.lock().unwrap().auth.pop().unwrap(), "");
    let (st, body) = call(token(&["guest"], "stanch", now + 300)).await;
    assert_eq!(st, 403, "{body}");
    let (st, body) = call(token(&["dev"], "stanch", now - 300)).await;
    assert_eq!((st, body.contains("token expired")), (401, true), "{body}");
    let (st, body) = call(token(&["dev"], "other", now + 300)).await;
    assert_eq!((st, body.contains("audience")), (401, true), "{body}");
    assert!(!body.contains(&good[..20]));
    // Same signature over changed claims.
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let parts: Vec<&str> = good.split('.').collect();
    let claims = String::from_utf8(b64.decode(parts[1]).unwrap()).unwrap();
    let forged = b64.encode(claims.replace("user-7", "admin"));
    let (st, body) = call(format!("{}.{forged}.{}", parts[0], parts[2])).await;
    assert_eq!(
        (st, body.contains("signature invalid")),
        (401, true),
        "{body}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Keys fetched from a JWKS URL: refused until loaded, then accepted; a
/// key rotation is picked up when a token names the new key; a reload
/// keeps the fetched keys.
#[tokio::test]
async fn oidc_keys_from_a_jwks_url_and_rotation() {
    use std::sync::{Arc, Mutex};
    let (jwks1, sign1) = test_idp_kid("k1");
    let (jwks2, sign2) = test_idp_kid("k2");
    let served = Arc::new(Mutex::new(jwks1));
    let fetches = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (s2, f2) = (served.clone(), fetches.clone());
    let app = axum::Router::new().route(
        "/jwks",
        axum::routing::get(move || {
            let (s, f) = (s2.clone(), f2.clone());
            async move {
                f.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let body = s.lock().unwrap().clone();
                body
            }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let idp = format!("http://{}", l.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });

    let dir = std::env::temp_dir().join(format!("stanch-gw-jwksurl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let h = start().await;
    let path = dir.join("stanch.toml");
    let cfg = |route: &str| {
        format!(
            r#"
# stanch.toml: the gateway's config lives in its [gateway] table
[redact]
style = "placeholder"
[gateway]
oidc = {{ jwks_url = "{idp}/jwks", issuer = "https://idp.test", audience = "stanch", role_claim = "roles" }}
[[gateway.routes]]
name = "{route}"
prefix = "/openai"
provider = "openai"
upstream = "{}"
"#,
            h.upstream
        )
    };
    std::fs::write(&path, cfg("oa")).unwrap();
    h.gw.reload(&path).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let claims = serde_json::json!({"iss": "https://idp.test", "aud": "stanch", "exp": now + 300, "sub": "u", "roles": ["dev"]});
    let call = |t: String| {
        let r = h
            .client
            .post(format!("{}/openai/v1/chat/completions", h.base))
            .bearer_auth(t)
            .header("x-fake-mode", "json")
            .body(chat("hello", false));
        async move {
            let r = r.send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let until_ok = |t: String| async move {
        for _ in 0..100 {
            let (st, body) = call(t.clone()).await;
            if st == 200 {
                return;
            }
            assert_eq!(st, 401, "{body}");
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        panic!("token never accepted");
    };
    until_ok(sign1(claims.clone())).await;
    // A reload keeps the fetched keys: no gap.
    std::fs::write(&path, cfg("oa2")).unwrap();
    h.gw.reload(&path).unwrap();
    assert_eq!(call(sign1(claims.clone())).await.0, 200);
    let before = fetches.load(std::sync::atomic::Ordering::SeqCst);
    // Rotation: the IdP now serves k2 only.
    *served.lock().unwrap() = jwks2;
    let (st, body) = call(sign2(claims.clone())).await;
    assert_eq!((st, body.contains("no key")), (401, true), "{body}");
    until_ok(sign2(claims.clone())).await;
    assert!(fetches.load(std::sync::atomic::Ordering::SeqCst) > before);
    let (st, _) = call(sign1(claims.clone())).await;
    assert_eq!(st, 401, "the rotated-out key is gone");
    // A bad [gateway] table names the field under `gateway.`.
    std::fs::write(&path, "[gateway]\n[[gateway.routes]]\nname = \"x\"\nprovider = \"azure\"\nupstream = \"http://h\"\n").unwrap();
    let e = h.gw.reload(&path).unwrap_err().to_string();
    assert!(e.contains("gateway.routes[0].provider"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}
