//! The preflight a browser would send (OPTIONS, no credentials), what the
//! rules say about it, and what the service answered.

use super::model::CorsRule;
use super::service::get_cors;
use super::validate::{check_header, check_origin};
use crate::azure::account::Account;
use crate::azure::client::StorageClient;
use crate::azure::http::{OpError, OpResult};

// ---------------------------------------------------------------------------
// Preflight

/// What a browser would ask before a cross-origin request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PreflightRequest {
    pub origin: String,
    /// Access-Control-Request-Method.
    pub method: String,
    /// Access-Control-Request-Headers.
    pub headers: Vec<String>,
}

impl PreflightRequest {
    /// A browser sends one concrete origin, a method and header names.
    pub fn check(&self) -> Result<(), String> {
        if self.origin == "*" {
            return Err(
                "a browser sends one concrete origin, not *; e.g. https://app.example.com".into(),
            );
        }
        check_origin(&self.origin).map_err(|e| format!("origin: {e}"))?;
        if self.method.is_empty() || !self.method.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(format!("{:?} is not an HTTP method", self.method));
        }
        for h in &self.headers {
            if h.contains('*') {
                return Err(format!(
                    "request header {h:?}: a browser names each header, without *"
                ));
            }
            check_header(h).map_err(|e| format!("request headers: {e}"))?;
        }
        Ok(())
    }
}

/// What the service answered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PreflightAnswer {
    pub status: u16,
    /// A browser would go ahead: 2xx and Access-Control-Allow-Origin granting the origin.
    pub allowed: bool,
    pub allow_origin: Option<String>,
    pub allow_methods: Option<String>,
    pub allow_headers: Option<String>,
    pub max_age: Option<String>,
    pub error_code: Option<String>,
    /// The first line of the service's error message.
    pub message: Option<String>,
}

impl PreflightAnswer {
    pub fn describe(&self) -> String {
        if self.allowed {
            let mut parts = vec![format!("allowed ({})", self.status)];
            for (name, v) in [
                ("Allow-Origin", &self.allow_origin),
                ("Allow-Methods", &self.allow_methods),
                ("Allow-Headers", &self.allow_headers),
                ("Max-Age", &self.max_age),
            ] {
                if let Some(v) = v {
                    parts.push(format!("{name}: {v}"));
                }
            }
            parts.join(" · ")
        } else {
            let mut s = format!("refused ({}", self.status);
            if let Some(c) = &self.error_code {
                s.push_str(&format!(" {c}"));
            }
            s.push(')');
            if let Some(m) = &self.message {
                s.push_str(&format!(": {m}"));
            }
            s
        }
    }
}

/// How the rules read, in the order the service evaluates them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Rule `rule` (0-based) matches origin and method and allows the headers.
    Allowed { rule: usize },
    /// Rule `rule` matches origin and method but not these headers; the
    /// service stops at that rule, so the request is refused.
    HeadersRefused { rule: usize, headers: Vec<String> },
    /// No rule matches origin and method; why not, rule by rule.
    NoMatch { reasons: Vec<String> },
}

impl Verdict {
    pub fn allows(&self) -> bool {
        matches!(self, Verdict::Allowed { .. })
    }

    /// The rule that decided, 0-based.
    pub fn rule(&self) -> Option<usize> {
        match self {
            Verdict::Allowed { rule } | Verdict::HeadersRefused { rule, .. } => Some(*rule),
            Verdict::NoMatch { .. } => None,
        }
    }

    pub fn explain(&self, request: &PreflightRequest) -> String {
        match self {
            Verdict::Allowed { rule } => format!(
                "rule {} matches origin {} and method {}{}",
                rule + 1,
                request.origin,
                request.method,
                if request.headers.is_empty() {
                    String::new()
                } else {
                    " and allows the requested headers".to_string()
                }
            ),
            Verdict::HeadersRefused { rule, headers } => format!(
                "rule {} matches origin and method but does not allow the header{} {}; the service stops at the first rule matching origin and method, so the browser is refused",
                rule + 1,
                if headers.len() == 1 { "" } else { "s" },
                headers.join(", ")
            ),
            Verdict::NoMatch { reasons } if reasons.is_empty() => {
                "there are no CORS rules, so every cross-origin request is refused".to_string()
            }
            Verdict::NoMatch { reasons } => format!(
                "no rule allows origin {} with method {}: {}",
                request.origin,
                request.method,
                reasons.join("; ")
            ),
        }
    }
}

fn header_allowed(header: &str, allowed: &[String]) -> bool {
    allowed.iter().any(|a| match a.strip_suffix('*') {
        Some(prefix) => header
            .to_ascii_lowercase()
            .starts_with(&prefix.to_ascii_lowercase()),
        None => a.eq_ignore_ascii_case(header),
    })
}

/// Evaluates `request` against `rules` as the service documents it: the first
/// rule matching origin and method decides.
pub fn evaluate(rules: &[CorsRule], request: &PreflightRequest) -> Verdict {
    let mut reasons = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        let origin_ok = r
            .allowed_origins
            .iter()
            .any(|o| o == "*" || o.eq_ignore_ascii_case(&request.origin));
        let method_ok = r
            .allowed_methods
            .iter()
            .any(|m| m.as_str().eq_ignore_ascii_case(&request.method));
        match (origin_ok, method_ok) {
            (true, true) => {
                let refused: Vec<String> = request
                    .headers
                    .iter()
                    .filter(|h| !header_allowed(h, &r.allowed_headers))
                    .cloned()
                    .collect();
                return if refused.is_empty() {
                    Verdict::Allowed { rule: i }
                } else {
                    Verdict::HeadersRefused {
                        rule: i,
                        headers: refused,
                    }
                };
            }
            (false, true) => reasons.push(format!("rule {} lists other origins", i + 1)),
            (true, false) => {
                reasons.push(format!("rule {} does not allow {}", i + 1, request.method))
            }
            (false, false) => {
                reasons.push(format!("rule {} lists other origins and methods", i + 1))
            }
        }
    }
    Verdict::NoMatch { reasons }
}

/// The service's `<Message>`, first line.
fn service_message(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let start = text.find("<Message>")? + "<Message>".len();
    let end = start + text[start..].find("</Message>")?;
    text[start..end].lines().next().map(str::to_string)
}

/// Sends the preflight a browser would send to the account's Blob endpoint.
/// Browsers send preflights without credentials, so this one has none either.
pub async fn send_preflight(
    account: &Account,
    request: &PreflightRequest,
) -> Result<PreflightAnswer, String> {
    request.check()?;
    let http = reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(5))
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .map_err(|e| format!("cannot set up HTTP: {e}"))?;
    let mut r = http
        .request(reqwest::Method::OPTIONS, account.blob_endpoint.as_str())
        .header("origin", &request.origin)
        .header("access-control-request-method", &request.method);
    if !request.headers.is_empty() {
        r = r.header("access-control-request-headers", request.headers.join(","));
    }
    let response = r.send().await.map_err(|e| {
        let mut text = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            text.push_str(&format!(": {s}"));
            source = s.source();
        }
        format!("The preflight to {} failed: {text}", account.host())
    })?;
    let status = response.status().as_u16();
    let get = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let allow_origin = get("access-control-allow-origin");
    let allow_methods = get("access-control-allow-methods");
    let mut answer = PreflightAnswer {
        status,
        allowed: false,
        allow_headers: get("access-control-allow-headers"),
        max_age: get("access-control-max-age"),
        error_code: get("x-ms-error-code"),
        message: None,
        allow_origin: allow_origin.clone(),
        allow_methods: allow_methods.clone(),
    };
    let origin_granted = allow_origin
        .as_deref()
        .is_some_and(|o| o == "*" || o == request.origin);
    let method_granted = allow_methods.as_deref().is_none_or(|m| {
        m.split(',')
            .any(|x| x.trim().eq_ignore_ascii_case(&request.method))
    });
    answer.allowed = (200..300).contains(&status) && origin_granted && method_granted;
    let body = response.bytes().await.unwrap_or_default();
    answer.message = service_message(&body);
    Ok(answer)
}

/// A preflight and how the rules on the service explain its answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreflightReport {
    pub request: PreflightRequest,
    pub answer: PreflightAnswer,
    /// The rules as read just before the preflight.
    pub rules: Vec<CorsRule>,
    pub verdict: Verdict,
}

impl PreflightReport {
    /// The service and blobx's reading of the rules say the same.
    pub fn agrees(&self) -> bool {
        self.answer.allowed == self.verdict.allows()
    }

    pub fn headline(&self) -> String {
        if self.answer.allowed {
            format!(
                "✓ A browser at {} may send {} here.",
                self.request.origin, self.request.method
            )
        } else {
            format!(
                "✗ A browser at {} may not send {} here.",
                self.request.origin, self.request.method
            )
        }
    }
}

/// Reads the rules, sends the real preflight, and explains the answer.
pub async fn test_preflight(
    client: &StorageClient,
    request: &PreflightRequest,
) -> OpResult<PreflightReport> {
    request.check().map_err(OpError::Invalid)?;
    let rules = get_cors(client).await?;
    let answer = send_preflight(client.account(), request)
        .await
        .map_err(OpError::Failed)?;
    let verdict = evaluate(&rules, request);
    Ok(PreflightReport {
        request: request.clone(),
        answer,
        rules,
        verdict,
    })
}
