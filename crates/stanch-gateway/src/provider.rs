//! Provider wire formats: which paths belong to which provider, and errors
//! written in each provider's own error format (so SDKs raise their usual
//! exception types with a readable message).

use crate::json::Json;

/// The wire format of a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Provider {
    /// OpenAI-style: chat completions, responses, completions, embeddings, models.
    OpenAi,
    /// Anthropic-style: messages, count_tokens.
    Anthropic,
    /// Any JSON API: every string is scanned, errors are plain JSON.
    GenericJson,
}

impl Provider {
    pub fn parse(s: &str) -> Option<Provider> {
        match s {
            "openai" => Some(Provider::OpenAi),
            "anthropic" => Some(Provider::Anthropic),
            "generic-json" => Some(Provider::GenericJson),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Provider::OpenAi => "openai",
            Provider::Anthropic => "anthropic",
            Provider::GenericJson => "generic-json",
        }
    }
}

/// OpenAI-style paths proxied in quick-start mode.
pub const OPENAI_PATHS: &[&str] = &[
    "/v1/chat/completions",
    "/v1/responses",
    "/v1/completions",
    "/v1/embeddings",
    "/v1/models",
];

/// Anthropic-style paths proxied in quick-start mode.
pub const ANTHROPIC_PATHS: &[&str] = &["/v1/messages", "/v1/messages/count_tokens"];

/// The provider of a quick-start path (`/v1/models/{id}` included), or `None`
/// for a path the gateway does not proxy.
pub fn classify(path: &str) -> Option<Provider> {
    if ANTHROPIC_PATHS.contains(&path) {
        return Some(Provider::Anthropic);
    }
    if OPENAI_PATHS.contains(&path) {
        return Some(Provider::OpenAi);
    }
    let id = path.strip_prefix("/v1/models/")?;
    (!id.is_empty() && !id.contains('/')).then_some(Provider::OpenAi)
}

/// What kind of error a response reports; mapped to each format's type names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    InvalidRequest,
    Authentication,
    Permission,
    NotFound,
    TooLarge,
    Upstream,
    Timeout,
    Unavailable,
    Internal,
}

impl ErrorKind {
    fn openai_type(self) -> &'static str {
        match self {
            ErrorKind::InvalidRequest | ErrorKind::TooLarge | ErrorKind::NotFound => {
                "invalid_request_error"
            }
            ErrorKind::Authentication => "authentication_error",
            ErrorKind::Permission => "permission_error",
            ErrorKind::Upstream | ErrorKind::Timeout | ErrorKind::Internal => "api_error",
            ErrorKind::Unavailable => "service_unavailable",
        }
    }

    fn anthropic_type(self) -> &'static str {
        match self {
            ErrorKind::InvalidRequest => "invalid_request_error",
            ErrorKind::Authentication => "authentication_error",
            ErrorKind::Permission => "permission_error",
            ErrorKind::NotFound => "not_found_error",
            ErrorKind::TooLarge => "request_too_large",
            ErrorKind::Upstream | ErrorKind::Timeout | ErrorKind::Internal => "api_error",
            ErrorKind::Unavailable => "overloaded_error",
        }
    }
}

/// An error body in `provider`'s format. `code` is a stable machine-readable
/// reason (`stanch_blocked`, `stanch_body_too_large`…). The message must not
/// hold any body content: callers build it from rule ids and counts.
pub fn error_json(provider: Provider, kind: ErrorKind, code: &str, message: &str) -> Json {
    match provider {
        Provider::OpenAi => Json::obj([(
            "error",
            Json::obj([
                ("message", Json::str(message)),
                ("type", Json::str(kind.openai_type())),
                ("param", Json::Null),
                ("code", Json::str(code)),
            ]),
        )]),
        Provider::Anthropic => Json::obj([
            ("type", Json::str("error")),
            (
                "error",
                Json::obj([
                    ("type", Json::str(kind.anthropic_type())),
                    ("message", Json::str(message)),
                ]),
            ),
        ]),
        Provider::GenericJson => Json::obj([(
            "error",
            Json::obj([("code", Json::str(code)), ("message", Json::str(message))]),
        )]),
    }
}

/// The same error as one server-sent event, to end a stream that already
/// started (Anthropic: `event: error`; OpenAI: a `data:` line with an
/// `error` object, as its API sends mid-stream).
pub fn error_event(provider: Provider, kind: ErrorKind, code: &str, message: &str) -> Vec<u8> {
    let body = error_json(provider, kind, code, message).to_vec();
    let mut out = Vec::with_capacity(body.len() + 32);
    if provider == Provider::Anthropic {
        out.extend_from_slice(b"event: error\n");
    }
    out.extend_from_slice(b"data: ");
    out.extend_from_slice(&body);
    out.extend_from_slice(b"\n\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_paths() {
        assert_eq!(classify("/v1/chat/completions"), Some(Provider::OpenAi));
        assert_eq!(classify("/v1/models/gpt-4o"), Some(Provider::OpenAi));
        assert_eq!(classify("/v1/messages"), Some(Provider::Anthropic));
        assert_eq!(
            classify("/v1/messages/count_tokens"),
            Some(Provider::Anthropic)
        );
        for p in [
            "/",
            "/v1/files",
            "/v1/models/a/b",
            "/v1/models/",
            "/v2/messages",
        ] {
            assert_eq!(classify(p), None, "{p}");
        }
    }

    #[test]
    fn error_formats() {
        let o = error_json(
            Provider::OpenAi,
            ErrorKind::Permission,
            "stanch_blocked",
            "m",
        );
        assert_eq!(
            String::from_utf8(o.to_vec()).unwrap(),
            r#"{"error":{"message":"m","type":"permission_error","param":null,"code":"stanch_blocked"}}"#
        );
        let a = error_json(Provider::Anthropic, ErrorKind::TooLarge, "x", "m");
        assert_eq!(
            String::from_utf8(a.to_vec()).unwrap(),
            r#"{"type":"error","error":{"type":"request_too_large","message":"m"}}"#
        );
        let e = error_event(Provider::Anthropic, ErrorKind::Upstream, "x", "m");
        assert!(e.starts_with(b"event: error\ndata: {\"type\":\"error\""));
        assert!(e.ends_with(b"\n\n"));
    }
}
