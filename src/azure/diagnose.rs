//! Why an account cannot be reached: each layer checked in turn (the proxy
//! in use, name resolution, connecting, TLS, then a signed request), and the
//! service's answer mapped to a cause and a fix. Read-only: it lists at most
//! one container or blob.

use super::account::{Account, Auth};
use super::client::StorageClient;
use super::connection::{format_time, now_unix};
use super::error::{describe_error, service_message};
use azure_core::error::ErrorKind;
use azure_core::http::{Method, Request, Url};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// How long one network check may take before it is called failed.
const STEP_TIMEOUT: Duration = Duration::from_secs(5);
/// The service refuses requests signed more than this far from its clock.
const SKEW_LIMIT_SECS: i64 = 15 * 60;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Ok,
    /// Worth knowing, not a failure (a proxy, a private address).
    Note,
    Problem,
}

/// One step of a diagnosis: what was checked and what was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    pub step: &'static str,
    pub verdict: Verdict,
    pub text: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnosis {
    pub checks: Vec<Check>,
    /// The cause and its fix, when something is wrong.
    pub cause: Option<String>,
    /// The service refused blobx's `x-ms-version` and takes this older one:
    /// (refused, accepted). The account works at the older version.
    pub fallback: Option<(String, String)>,
}

impl Diagnosis {
    fn push(&mut self, step: &'static str, verdict: Verdict, text: impl Into<String>) {
        self.checks.push(Check {
            step,
            verdict,
            text: text.into(),
        });
    }

    pub fn ok(&self) -> bool {
        self.cause.is_none()
    }

    /// One line for the status line and the account node.
    pub fn summary(&self) -> String {
        if let (None, Some((refused, accepted))) = (&self.cause, &self.fallback) {
            return format!(
                "Older service: it refuses x-ms-version {refused}; blobx uses {accepted}, the newest it accepts ({}).",
                crate::azure::version::lacks(accepted)
            );
        }
        match &self.cause {
            Some(c) => format!("Diagnosis: {c}"),
            None => "Diagnosis: every check passed; the account answers.".to_string(),
        }
    }

    /// Every check, one line each, then the cause (for stdout and the log).
    pub fn lines(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .checks
            .iter()
            .map(|c| {
                let mark = match c.verdict {
                    Verdict::Ok => "ok  ",
                    Verdict::Note => "note",
                    Verdict::Problem => "FAIL",
                };
                format!("{mark} {:<8} {}", c.step, c.text)
            })
            .collect();
        out.push(self.summary());
        out
    }
}

/// Diagnoses the account behind `client`, with the process's proxy settings.
pub async fn diagnose(client: &StorageClient) -> Diagnosis {
    diagnose_with(client, &|k| std::env::var(k).ok()).await
}

/// [`diagnose`] with the environment given (tests pass their own).
pub async fn diagnose_with(
    client: &StorageClient,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Diagnosis {
    let account = client.account();
    let mut d = Diagnosis::default();
    let url = &account.blob_endpoint;
    let Some(host) = url.host_str().map(str::to_string) else {
        d.push("address", Verdict::Problem, format!("{url} has no host"));
        d.cause = Some("The account's endpoint has no host; edit the account (e).".into());
        return d;
    };
    let port = url.port_or_known_default().unwrap_or(443);

    // The proxy: reqwest takes it from the environment, as curl does.
    let proxy = proxy_for(url, env);
    match &proxy {
        Some(p) => d.push(
            "proxy",
            Verdict::Note,
            format!(
                "requests go through the proxy {} ({})",
                redact(p),
                proxy_var(url)
            ),
        ),
        None => d.push("proxy", Verdict::Ok, proxy_none_text(url, env)),
    }

    // Name resolution.
    let addrs = match resolve(&host, port).await {
        Ok(addrs) => addrs,
        Err(why) => {
            d.push("dns", Verdict::Problem, why.clone());
            if proxy.is_none() {
                d.cause = Some(format!(
                    "{host} does not resolve ({why}): check the account name, or the DNS this machine uses (a private endpoint's name resolves only through its private DNS zone)."
                ));
                return d;
            }
            Vec::new()
        }
    };
    if !addrs.is_empty() {
        let shown: Vec<String> = addrs.iter().take(4).map(|a| a.ip().to_string()).collect();
        let private = addrs.iter().any(|a| is_private(a.ip()));
        let loopback = addrs.iter().all(|a| a.ip().is_loopback());
        let (verdict, what) = if loopback {
            (Verdict::Ok, " (this machine)".to_string())
        } else if private {
            (
                Verdict::Note,
                " — a private address: the account is reached through a private endpoint, which only its virtual network (or a network peered or VPN-connected to it) can reach"
                    .to_string(),
            )
        } else {
            (Verdict::Ok, String::new())
        };
        d.push(
            "dns",
            verdict,
            format!("{host} is {}{what}", shown.join(", ")),
        );
    }

    // Connecting: to the proxy when one is used, else to the account.
    let target = match &proxy {
        Some(p) => Url::parse(p).ok().and_then(|u| {
            Some(format!(
                "{}:{}",
                u.host_str()?,
                u.port_or_known_default().unwrap_or(8080)
            ))
        }),
        None => None,
    };
    let connected = match target {
        Some(proxy_addr) => connect_text(&proxy_addr)
            .await
            .map(|t| format!("to the proxy {t}")),
        None => connect_addrs(&addrs).await,
    };
    match connected {
        Ok(text) => d.push("connect", Verdict::Ok, text),
        Err(why) => {
            d.push("connect", Verdict::Problem, why.clone());
            let private = addrs
                .iter()
                .any(|a| is_private(a.ip()) && !a.ip().is_loopback());
            d.cause = Some(if account.is_emulator && proxy.is_none() {
                format!(
                    "Nothing is listening at {} ({why}): start the emulator with `npx azurite-blob --inMemoryPersistence --blobPort {port}`.",
                    account.host()
                )
            } else if private {
                format!(
                    "This machine cannot reach the private endpoint {host} ({why}): connect to its virtual network (VPN, peering, a jump host), or use the public endpoint if the account allows it."
                )
            } else if proxy.is_some() {
                format!(
                    "The proxy cannot be reached ({why}): check HTTPS_PROXY, or add {host} to NO_PROXY."
                )
            } else {
                format!(
                    "{host}:{port} cannot be reached ({why}): a firewall on this network, or the network is down."
                )
            });
            return d;
        }
    }

    // TLS: any HTTP answer to an unsigned request means the handshake worked.
    if url.scheme() == "https" {
        match tls_check(url).await {
            Ok(()) => d.push("tls", Verdict::Ok, "the certificate was accepted"),
            Err(why) => {
                d.push("tls", Verdict::Problem, why.clone());
                d.cause = Some(format!(
                    "The secure connection to {host} failed ({why}). A proxy or firewall that inspects TLS needs its root certificate trusted by this machine."
                ));
                return d;
            }
        }
    } else {
        d.push("tls", Verdict::Ok, "plain HTTP (no TLS)");
    }

    // Credentials known to be out of date before anything is sent.
    if let Some(sas) = account.sas() {
        let now = now_unix();
        if let Some(se) = sas.expiry.filter(|se| *se <= now) {
            let text = format!("the SAS expired on {}", format_time(se));
            d.push("sas", Verdict::Problem, text.clone());
            d.cause = Some(format!(
                "The SAS expired on {}: make a new one and edit the account (e) to paste it.",
                format_time(se)
            ));
            return d;
        }
        if let Some(st) = sas.start.filter(|st| *st > now + SKEW_LIMIT_SECS) {
            d.push(
                "sas",
                Verdict::Problem,
                format!("the SAS is valid from {}", format_time(st)),
            );
            d.cause = Some(format!(
                "The SAS is not valid before {}: wait, or make one that starts now.",
                format_time(st)
            ));
            return d;
        }
    }

    // The service's own answer to a signed request.
    let answer = probe(client).await;
    let cause = match answer {
        Ok(date) => {
            let skew = date.map(|t| now_unix() - t);
            d.push("service", Verdict::Ok, "a signed request was answered");
            if let Some(s) = skew.filter(|s| s.abs() > 5 * 60) {
                d.push("clock", Verdict::Note, skew_text(s));
            }
            None
        }
        Err(err) if crate::azure::version::refuses_version(&err) => {
            let refused = client.service_version().to_string();
            match crate::azure::version::newest_accepted(account, &refused).await {
                Some(accepted) => {
                    d.push(
                        "version",
                        Verdict::Note,
                        format!("x-ms-version {refused} refused; {accepted} accepted"),
                    );
                    d.fallback = Some((refused, accepted));
                    None
                }
                None => {
                    let (status, code, message, _) = parts(&err);
                    d.push(
                        "version",
                        Verdict::Problem,
                        format!("x-ms-version {refused} refused, and every older one tried"),
                    );
                    cause_of(
                        status,
                        code.as_deref().unwrap_or(""),
                        message.as_deref().unwrap_or(""),
                        None,
                        account,
                    )
                }
            }
        }
        Err(err) => {
            let (status, code, message, date) = parts(&err);
            let skew = date.map(|t| now_unix() - t);
            let said = match (code.as_deref(), message.as_deref()) {
                (Some(c), Some(m)) => format!("{status} {c}: {m}"),
                (Some(c), None) => format!("{status} {c}"),
                (None, Some(m)) => format!("{status}: {m}"),
                (None, None) if status > 0 => status.to_string(),
                (None, None) => describe_error(&err, account),
            };
            d.push("service", Verdict::Problem, said);
            if let Some(s) = skew.filter(|s| s.abs() > 5 * 60) {
                d.push("clock", Verdict::Problem, skew_text(s));
            }
            Some(
                cause_of(
                    status,
                    code.as_deref().unwrap_or(""),
                    message.as_deref().unwrap_or(""),
                    skew,
                    account,
                )
                .unwrap_or_else(|| describe_error(&err, account)),
            )
        }
    };
    d.cause = cause;
    d
}

fn skew_text(skew: i64) -> String {
    let minutes = skew.abs() / 60;
    let way = if skew > 0 { "ahead of" } else { "behind" };
    format!("this machine's clock is {minutes} minutes {way} the service's")
}

/// Status, error code, message and the `Date` the service answered with.
fn parts(err: &azure_core::Error) -> (u16, Option<String>, Option<String>, Option<i64>) {
    match err.kind() {
        ErrorKind::HttpResponse {
            status,
            error_code,
            raw_response,
        } => {
            let raw = raw_response.as_deref();
            let message = raw.and_then(|r| service_message(r.body()));
            let date = raw
                .and_then(|r| super::http::header(r, "date"))
                .and_then(|d| parse_http_date(&d));
            (u16::from(*status), error_code.clone(), message, date)
        }
        _ => (0, None, None, None),
    }
}

/// An RFC 7231 date (`Mon, 30 Nov 2026 12:42:50 GMT`) as unix seconds.
pub fn parse_http_date(text: &str) -> Option<i64> {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    time::PrimitiveDateTime::parse(text.trim(), &format)
        .ok()
        .map(|t| t.assume_utc().unix_timestamp())
}

/// What the service's refusal means for this account, and what to do.
/// `None` when the code has no better explanation than the general one.
pub fn cause_of(
    status: u16,
    code: &str,
    message: &str,
    skew: Option<i64>,
    account: &Account,
) -> Option<String> {
    let said = if message.is_empty() {
        code.to_string()
    } else {
        format!("{code}: {message}")
    };
    let skewed = skew.filter(|s| s.abs() > SKEW_LIMIT_SECS);
    // Azurite says AuthorizationFailure with "Server failed to authenticate".
    let auth_failed = code == "AuthenticationFailed"
        || (status == 403 && message.contains("failed to authenticate"));
    if (auth_failed || code == "InvalidAuthenticationInfo")
        && let Some(s) = skewed
    {
        return Some(format!(
            "{}; the service refuses requests signed more than 15 minutes off its time ({said}). Set this machine's clock (turn on time synchronisation).",
            upper_first(&skew_text(s))
        ));
    }
    if auth_failed {
        return Some(match &account.auth {
            Auth::SharedKey { .. } => format!(
                "The account key was refused ({said}): it is wrong or was rotated. Copy key1 or key2 again (portal: Security + networking > Access keys) and edit the account (e)."
            ),
            Auth::Sas { info, .. } => match info.expiry {
                Some(se) if se <= now_unix() => format!(
                    "The SAS expired on {} ({said}): make a new one and edit the account (e).",
                    format_time(se)
                ),
                _ => format!(
                    "The SAS was refused ({said}): its signature does not match (altered, or signed with a key since rotated), or it is outside its validity times. Make a new SAS and edit the account (e)."
                ),
            },
            Auth::Token(_) => format!(
                "The Entra ID token was refused ({said}): it expired or is for another tenant. Sign in again (az login) and retry."
            ),
            Auth::Anonymous => format!(
                "The service wants credentials ({said}): attach the account with a key, a SAS or Microsoft Entra ID."
            ),
        });
    }
    let sas = matches!(account.auth, Auth::Sas { .. });
    Some(match code {
        "AuthorizationFailure" => format!(
            "The request was refused by the account's network rules ({said}): its firewall does not allow this machine's address{}. Add this machine's public IP under Networking > Firewall, reach it through a private endpoint or VPN, or ask the account's owner.",
            if sas {
                ", or the SAS's allowed IP range (sip) does not include it (make a SAS without an IP range)"
            } else {
                ""
            }
        ),
        "AuthorizationSourceIPMismatch" => format!(
            "This machine's address is outside the SAS's allowed IP range ({said}): make a SAS without an IP range, or one that includes this address."
        ),
        "AuthorizationPermissionMismatch" => match &account.auth {
            Auth::Token(_) => format!(
                "Your Entra ID identity has no data role for this ({said}). Assign it \"Storage Blob Data Reader\" (to read) or \"Storage Blob Data Contributor\" (to write) on the account or the container (Access control (IAM)); Owner or Contributor alone gives no data access, and a new assignment takes up to 10 minutes."
            ),
            _ => format!(
                "The credential lacks the permission for this ({said}): for a SAS, make one with the permissions needed (r, l to browse)."
            ),
        },
        "AuthorizationResourceTypeMismatch" | "AuthorizationServiceMismatch" => format!(
            "The SAS does not cover this ({said}): an account SAS needs service b and resource types s, c, o to browse."
        ),
        "AuthorizationProtocolMismatch" => {
            format!("The SAS allows HTTPS only ({said}): use the https:// endpoint.")
        }
        "KeyBasedAuthenticationNotPermitted" => format!(
            "Shared key access is turned off on this account (AllowSharedKeyAccess = false) ({said}): account keys and SAS signed with them are refused. Sign in with Microsoft Entra ID (attach the account through Entra ID), or use a user delegation SAS."
        ),
        "InvalidAuthenticationInfo" => {
            if message.to_lowercase().contains("expired") {
                format!("The Entra ID token expired ({said}): sign in again (az login) and retry.")
            } else {
                format!(
                    "The Entra ID token was not accepted ({said}): it may be for another tenant or audience. Sign in again (az login) with the tenant of the account."
                )
            }
        }
        "InvalidHeaderValue" | "InvalidVersionForThisOperation"
            if message.to_lowercase().contains("version") || message.is_empty() =>
        {
            format!(
                "The service does not accept the storage service version blobx asks for ({said}): it is older (an Azurite without --skipApiVersionCheck, Azure Stack Hub). Update it, or start Azurite with --skipApiVersionCheck."
            )
        }
        "AccountIsDisabled" => format!("The storage account is disabled ({said})."),
        "ResourceNotFound" if status == 404 => format!(
            "The account answers but has no such resource ({said}): check the account name in the endpoint."
        ),
        _ => return None,
    })
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// A signed, read-only request: the first container (or, for a container
/// SAS, the first blob). Returns the service's `Date` on success.
async fn probe(client: &StorageClient) -> azure_core::Result<Option<i64>> {
    let account = client.account();
    let url = match &account.container {
        Some(c) => super::http::with_query(
            client.container_url(c),
            &[
                ("restype", "container"),
                ("comp", "list"),
                ("maxresults", "1"),
            ],
        ),
        None => super::http::with_query(
            account.blob_endpoint.clone(),
            &[("comp", "list"), ("maxresults", "1")],
        ),
    };
    let mut request = Request::new(url, Method::Get);
    request.insert_header("accept", "application/xml");
    let fut = client.send_request(request);
    match tokio::time::timeout(STEP_TIMEOUT * 6, fut).await {
        Ok(r) => {
            let r = r?;
            Ok(super::http::header(&r, "date").and_then(|d| parse_http_date(&d)))
        }
        Err(_) => Err(azure_core::Error::with_message(
            ErrorKind::Io,
            "the service did not answer in 30 seconds",
        )),
    }
}

async fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, String> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    match tokio::time::timeout(STEP_TIMEOUT, tokio::net::lookup_host((host, port))).await {
        Ok(Ok(addrs)) => {
            let addrs: Vec<SocketAddr> = addrs.collect();
            if addrs.is_empty() {
                Err(format!("{host} has no address"))
            } else {
                Ok(addrs)
            }
        }
        Ok(Err(e)) => Err(format!("{host} does not resolve: {e}")),
        Err(_) => Err(format!("resolving {host} took longer than 5 seconds")),
    }
}

async fn connect_text(addr: &str) -> Result<String, String> {
    match tokio::time::timeout(STEP_TIMEOUT, tokio::net::TcpStream::connect(addr)).await {
        Ok(Ok(_)) => Ok(format!("{addr} accepts connections")),
        Ok(Err(e)) => Err(format!("{addr}: {}", io_words(&e))),
        Err(_) => Err(format!("{addr}: no answer in 5 seconds (packets dropped)")),
    }
}

async fn connect_addrs(addrs: &[SocketAddr]) -> Result<String, String> {
    let mut last = "no address to connect to".to_string();
    for addr in addrs.iter().take(3) {
        match connect_text(&addr.to_string()).await {
            Ok(t) => return Ok(t),
            Err(e) => last = e,
        }
    }
    Err(last)
}

fn io_words(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::ConnectionRefused => "connection refused (nothing listening)".into(),
        std::io::ErrorKind::TimedOut => "timed out".into(),
        _ => e.to_string(),
    }
}

async fn tls_check(url: &Url) -> Result<(), String> {
    let http = reqwest::Client::builder()
        .connect_timeout(STEP_TIMEOUT)
        .timeout(STEP_TIMEOUT * 2)
        .build()
        .map_err(|e| e.to_string())?;
    let mut root = url.clone();
    root.set_path("/");
    root.set_query(None);
    match http.get(root.as_str()).send().await {
        Ok(_) => Ok(()),
        Err(e) => {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                text.push_str(": ");
                text.push_str(&s.to_string());
                source = s.source();
            }
            Err(text)
        }
    }
}

fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            v6.is_loopback() || (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80
        }
    }
}

fn proxy_var(url: &Url) -> &'static str {
    if url.scheme() == "https" {
        "HTTPS_PROXY"
    } else {
        "HTTP_PROXY"
    }
}

fn env_any(env: &dyn Fn(&str) -> Option<String>, names: &[&str]) -> Option<String> {
    names
        .iter()
        .find_map(|n| env(n).filter(|v| !v.trim().is_empty()))
}

/// The proxy requests to `url` go through, as reqwest decides from the
/// environment: the scheme's variable (or ALL_PROXY) unless NO_PROXY matches.
pub fn proxy_for(url: &Url, env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let proxy = if url.scheme() == "https" {
        env_any(
            env,
            &["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"],
        )
    } else {
        env_any(env, &["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"])
    }?;
    let host = url
        .host_str()?
        .trim_start_matches('[')
        .trim_end_matches(']');
    let no_proxy = env_any(env, &["NO_PROXY", "no_proxy"]).unwrap_or_default();
    if no_proxy_matches(&no_proxy, host) {
        return None;
    }
    Some(proxy)
}

fn no_proxy_matches(list: &str, host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    list.split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .any(|entry| {
            let entry = entry.to_ascii_lowercase();
            if entry == "*" {
                return true;
            }
            if let Some((net, bits)) = entry.split_once('/')
                && let (Ok(net), Ok(bits), Ok(ip)) = (
                    net.parse::<std::net::Ipv4Addr>(),
                    bits.parse::<u32>(),
                    host.parse::<std::net::Ipv4Addr>(),
                )
                && bits <= 32
            {
                let mask = if bits == 0 {
                    0
                } else {
                    u32::MAX << (32 - bits)
                };
                return u32::from(net) & mask == u32::from(ip) & mask;
            }
            let domain = entry.trim_start_matches("*.").trim_start_matches('.');
            host == domain || host.ends_with(&format!(".{domain}"))
        })
}

fn proxy_none_text(url: &Url, env: &dyn Fn(&str) -> Option<String>) -> String {
    let set = env_any(
        env,
        &[
            "HTTPS_PROXY",
            "https_proxy",
            "HTTP_PROXY",
            "http_proxy",
            "ALL_PROXY",
            "all_proxy",
        ],
    );
    if set.is_some() {
        format!(
            "no proxy for {}: NO_PROXY lists it",
            url.host_str().unwrap_or("?")
        )
    } else {
        "no proxy (HTTPS_PROXY is not set): direct connection".to_string()
    }
}

/// A proxy address without its user name and password.
pub fn redact(proxy: &str) -> String {
    match Url::parse(proxy) {
        Ok(mut u) => {
            if !u.username().is_empty() || u.password().is_some() {
                let _ = u.set_username("***");
                let _ = u.set_password(None);
            }
            u.to_string().trim_end_matches('/').to_string()
        }
        Err(_) => match proxy.rsplit_once('@') {
            Some((_, rest)) => format!("***@{rest}"),
            None => proxy.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn the_proxy_in_use_follows_no_proxy() {
        let url = Url::parse("https://acct.blob.core.windows.net/").unwrap();
        let e = [("HTTPS_PROXY", "http://user:pw@proxy.corp:3128")];
        let p = proxy_for(&url, &env(&e)).unwrap();
        assert_eq!(redact(&p), "http://***@proxy.corp:3128");
        for no in [
            "*",
            "core.windows.net",
            ".blob.core.windows.net",
            "x, acct.blob.core.windows.net",
        ] {
            let e = [("HTTPS_PROXY", "http://proxy:1"), ("NO_PROXY", no)];
            assert_eq!(proxy_for(&url, &env(&e)), None, "{no}");
        }
        let e = [
            ("HTTPS_PROXY", "http://proxy:1"),
            ("NO_PROXY", "windows.net.evil"),
        ];
        assert!(proxy_for(&url, &env(&e)).is_some());
        let local = Url::parse("http://10.1.2.3:10000/a").unwrap();
        let e = [("HTTP_PROXY", "http://proxy:1"), ("NO_PROXY", "10.0.0.0/8")];
        assert_eq!(proxy_for(&local, &env(&e)), None);
        assert_eq!(proxy_for(&url, &env(&[])), None);
    }

    #[test]
    fn private_addresses_are_told_apart() {
        for ip in [
            "10.0.0.4",
            "172.16.1.1",
            "192.168.0.9",
            "100.64.0.1",
            "fd00::1",
        ] {
            assert!(is_private(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["20.38.1.1", "52.239.0.1", "2603:1000::1"] {
            assert!(!is_private(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn http_dates_parse() {
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:01:00 GMT"), Some(60));
        assert_eq!(parse_http_date("yesterday"), None);
    }

    #[test]
    fn each_refusal_has_its_cause() {
        let key = Account::emulator("http://127.0.0.1:1").unwrap();
        let c = |code: &str, msg: &str, skew: Option<i64>| {
            cause_of(403, code, msg, skew, &key).unwrap_or_default()
        };
        assert!(
            c(
                "AuthenticationFailed",
                "Server failed to authenticate the request.",
                None
            )
            .contains("account key was refused")
        );
        assert!(
            c(
                "AuthenticationFailed",
                "Server failed to authenticate the request.",
                Some(-3600)
            )
            .contains("60 minutes behind")
        );
        assert!(
            c(
                "AuthorizationFailure",
                "This request is not authorized to perform this operation.",
                None
            )
            .contains("network rules")
        );
        assert!(
            c(
                "KeyBasedAuthenticationNotPermitted",
                "Key based authentication is not permitted on this storage account.",
                None
            )
            .contains("Microsoft Entra ID")
        );
        let v = cause_of(
            400,
            "InvalidHeaderValue",
            "The API version 2026-02-06 is not supported by Azurite.",
            None,
            &key,
        )
        .unwrap();
        assert!(v.contains("skipApiVersionCheck"), "{v}");
    }
}
