//! A local stand-in for the Data Lake Storage Gen2 endpoint (`dfs`), which
//! Azurite lacks: an in-memory tree serving the documented request and
//! answer shapes (create directory, rename, recursive delete with
//! continuation, get/set access control, set access control recursive with
//! failed entries and continuation). It checks what it gets — x-ms-version,
//! a Shared Key signature or a SAS, the query parameters — and refuses what
//! the service refuses, with the service's error codes. Every request is
//! logged; `down` makes it answer 503 (to interrupt a run).
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const ACCOUNT: &str = "devstoreaccount1";

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub dir: bool,
    pub owner: String,
    pub group: String,
    pub permissions: String,
    pub acl: String,
    /// How many times a recursive ACL change reached it.
    pub acl_changes: u32,
}

impl Node {
    fn new(dir: bool) -> Self {
        Self {
            dir,
            owner: "$superuser".into(),
            group: "$superuser".into(),
            permissions: if dir { "rwxr-x---" } else { "rw-r-----" }.into(),
            acl: if dir {
                "user::rwx,group::r-x,other::---"
            } else {
                "user::rw-,group::r--,other::---"
            }
            .into(),
            acl_changes: 0,
        }
    }
}

#[derive(Default)]
pub struct Lake {
    /// `filesystem/path` → node.
    pub paths: BTreeMap<String, Node>,
    /// `METHOD /path?query` of every request, in order.
    pub log: Vec<String>,
    /// Why each refused request was refused (error code).
    pub refused: Vec<String>,
    /// Entries per call of the recursive operations.
    pub page: usize,
    /// Paths (substrings) whose ACL the service will not change.
    pub failing: Vec<String>,
    /// Answer 503 to everything.
    pub down: bool,
    /// Milliseconds to wait before each answer (to kill a run mid-way).
    pub delay_ms: u64,
    /// What Get Account Information says (the stub also stands in for the
    /// blob endpoint of a hierarchical account for that one call).
    pub flat: bool,
    /// Continuations handed out: token → the paths still to do.
    tokens: HashMap<String, Vec<String>>,
    next_token: u64,
}

impl Lake {
    pub fn add_dir(&mut self, path: &str) {
        let mut acc = String::new();
        for part in path.split('/') {
            if !acc.is_empty() {
                acc.push('/');
            }
            acc.push_str(part);
            // The first segment is the filesystem (the container), no path.
            if acc.contains('/') {
                self.paths
                    .entry(acc.clone())
                    .or_insert_with(|| Node::new(true));
            }
        }
    }

    pub fn add_file(&mut self, path: &str) {
        if let Some((parent, _)) = path.rsplit_once('/') {
            self.add_dir(parent);
        }
        self.paths.insert(path.to_string(), Node::new(false));
    }

    /// The path and everything below it, parents first.
    fn subtree(&self, path: &str) -> Vec<String> {
        let inside = format!("{path}/");
        self.paths
            .keys()
            .filter(|k| *k == path || k.starts_with(&inside))
            .cloned()
            .collect()
    }

    fn token(&mut self, rest: Vec<String>) -> String {
        self.next_token += 1;
        let t = format!("cont{}+/=", self.next_token);
        self.tokens.insert(t.clone(), rest);
        t
    }
}

pub struct DfsStub {
    /// Path-style, as the emulator's: `http://127.0.0.1:PORT/devstoreaccount1`.
    pub endpoint: String,
    pub lake: Arc<Mutex<Lake>>,
}

struct Req {
    method: String,
    path: String,
    query: HashMap<String, String>,
    headers: HashMap<String, String>,
    raw_target: String,
}

async fn read_request(s: &mut TcpStream) -> Option<Req> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let target = first.next()?.to_string();
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let len: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    while buf.len() < end + 4 + len {
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let url = url::Url::parse(&format!("http://x{target}")).ok()?;
    let path = percent_encoding::percent_decode_str(url.path())
        .decode_utf8_lossy()
        .into_owned();
    Some(Req {
        method,
        path,
        query: url.query_pairs().into_owned().collect(),
        headers,
        raw_target: target,
    })
}

fn answer(status: u16, headers: &[(&str, String)], body: &str) -> String {
    let mut out = format!("HTTP/1.1 {status} X\r\n");
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ));
    out
}

fn error(lake: &mut Lake, status: u16, code: &str, message: &str) -> String {
    lake.refused.push(code.to_string());
    let body = format!(r#"{{"error":{{"code":"{code}","message":"{message}"}}}}"#);
    answer(
        status,
        &[
            ("x-ms-error-code", code.to_string()),
            ("Content-Type", "application/json".into()),
        ],
        &body,
    )
}

fn valid_acl(acl: &str, remove: bool) -> bool {
    !acl.is_empty()
        && acl.split(',').all(|e| {
            let e = e.strip_prefix("default:").unwrap_or(e);
            let parts: Vec<&str> = e.split(':').collect();
            let kind_ok = matches!(parts.first(), Some(&("user" | "group" | "mask" | "other")));
            let perms_ok = |p: &str| {
                let b = p.as_bytes();
                b.len() == 3
                    && matches!(b[0], b'r' | b'-')
                    && matches!(b[1], b'w' | b'-')
                    && matches!(b[2], b'x' | b'-')
            };
            kind_ok
                && if remove {
                    parts.len() == 2
                } else {
                    parts.len() == 3 && perms_ok(parts[2])
                }
        })
}

/// `key` of an entry: everything but its permissions.
fn entry_key(e: &str) -> String {
    match e.rsplit_once(':') {
        Some((k, p)) if p.len() == 3 => k.to_string(),
        _ => e.to_string(),
    }
}

fn apply(old: &str, mode: &str, acl: &str) -> String {
    match mode {
        "set" => acl.to_string(),
        "modify" => {
            let mut entries: Vec<String> = old.split(',').map(str::to_string).collect();
            for e in acl.split(',') {
                match entries.iter().position(|o| entry_key(o) == entry_key(e)) {
                    Some(i) => entries[i] = e.to_string(),
                    None => entries.push(e.to_string()),
                }
            }
            entries.join(",")
        }
        _ => old
            .split(',')
            .filter(|o| !acl.split(',').any(|r| entry_key(o) == r))
            .collect::<Vec<_>>()
            .join(","),
    }
}

fn route(lake: &mut Lake, r: &Req) -> String {
    lake.log.push(format!("{} {}", r.method, r.raw_target));
    if lake.down {
        return error(lake, 503, "ServerBusy", "The server is busy.");
    }
    if !r.headers.contains_key("x-ms-version") {
        return error(
            lake,
            400,
            "MissingRequiredHeader",
            "x-ms-version is required",
        );
    }
    let signed = r
        .headers
        .get("authorization")
        .is_some_and(|a| a.starts_with(&format!("SharedKey {ACCOUNT}:")) && a.len() > 20)
        && r.headers.contains_key("x-ms-date");
    if !signed && !r.query.contains_key("sig") {
        return error(lake, 401, "NoAuthenticationInformation", "no signature");
    }
    if r.method == "GET"
        && r.query.get("restype").map(String::as_str) == Some("account")
        && r.query.get("comp").map(String::as_str) == Some("properties")
    {
        let hns = if lake.flat { "false" } else { "true" };
        return answer(
            200,
            &[
                ("x-ms-is-hns-enabled", hns.to_string()),
                ("x-ms-sku-name", "Standard_LRS".into()),
                ("x-ms-account-kind", "StorageV2".into()),
            ],
            "",
        );
    }
    let Some(rest) = r.path.strip_prefix(&format!("/{ACCOUNT}/")) else {
        return error(lake, 400, "InvalidUri", "not this account");
    };
    let key = rest.trim_end_matches('/').to_string();
    let Some((fs, path)) = key.split_once('/') else {
        return error(lake, 400, "InvalidUri", "a path is needed");
    };
    let (fs, path) = (fs.to_string(), path.to_string());
    let q = |k: &str| r.query.get(k).map(String::as_str);
    let writes = matches!(r.method.as_str(), "PUT" | "PATCH" | "DELETE");
    if writes && !r.headers.contains_key("content-length") {
        return error(
            lake,
            411,
            "MissingContentLengthHeader",
            "Content-Length is required",
        );
    }
    match r.method.as_str() {
        "PUT" if r.headers.contains_key("x-ms-rename-source") => {
            let source = r.headers["x-ms-rename-source"].clone();
            let source =
                percent_encoding::percent_decode_str(source.split('?').next().unwrap_or(""))
                    .decode_utf8_lossy()
                    .into_owned();
            let Some(from) = source.strip_prefix('/').map(str::to_string) else {
                return error(lake, 400, "InvalidSourceUri", "the source starts with /");
            };
            if !lake.paths.contains_key(&from) {
                return error(
                    lake,
                    404,
                    "SourcePathNotFound",
                    "The source path does not exist.",
                );
            }
            if lake.paths.contains_key(&key)
                && r.headers.get("if-none-match").is_some_and(|v| v == "*")
            {
                return error(
                    lake,
                    409,
                    "PathAlreadyExists",
                    "The specified path already exists.",
                );
            }
            if key.starts_with(&format!("{from}/")) {
                return error(lake, 400, "InvalidDestinationPath", "into itself");
            }
            if let Some((parent, _)) = key.rsplit_once('/')
                && parent.contains('/')
                && !lake.paths.get(parent).is_some_and(|n| n.dir)
            {
                return error(
                    lake,
                    404,
                    "RenameDestinationParentPathNotFound",
                    "no parent",
                );
            }
            for old in lake.subtree(&from) {
                let node = lake.paths.remove(&old).unwrap();
                lake.paths
                    .insert(format!("{key}{}", &old[from.len()..]), node);
            }
            answer(201, &[], "")
        }
        "PUT" => match q("resource") {
            Some("directory") => {
                if lake.paths.get(&key).is_some_and(|n| !n.dir) {
                    return error(lake, 409, "PathConflict", "a file is there");
                }
                lake.add_dir(&key);
                answer(201, &[], "")
            }
            Some("file") => {
                lake.add_file(&key);
                answer(201, &[], "")
            }
            Some(_) => error(lake, 400, "InvalidQueryParameterValue", "resource"),
            None => error(lake, 400, "MissingRequiredQueryParameter", "resource"),
        },
        "DELETE" => {
            let Some(node) = lake.paths.get(&key).cloned() else {
                return error(
                    lake,
                    404,
                    "PathNotFound",
                    "The specified path does not exist.",
                );
            };
            let recursive = q("recursive");
            if node.dir && !matches!(recursive, Some("true" | "false")) {
                return error(lake, 400, "MissingRequiredQueryParameter", "recursive");
            }
            let todo = match q("continuation") {
                Some(t) => match lake.tokens.remove(t) {
                    Some(rest) => rest,
                    None => return error(lake, 400, "InvalidQueryParameterValue", "continuation"),
                },
                None => {
                    let mut all = lake.subtree(&key);
                    all.reverse(); // children first
                    all
                }
            };
            if node.dir && todo.len() > 1 && recursive != Some("true") {
                return error(
                    lake,
                    409,
                    "DirectoryNotEmpty",
                    "The recursive query parameter value must be true to delete a non-empty directory.",
                );
            }
            let page = lake.page.max(1);
            let (now, later) = todo.split_at(todo.len().min(page));
            for p in now {
                lake.paths.remove(p);
            }
            if later.is_empty() {
                answer(200, &[], "")
            } else {
                let t = lake.token(later.to_vec());
                answer(200, &[("x-ms-continuation", t)], "")
            }
        }
        "HEAD" => {
            if q("action") != Some("getAccessControl") {
                return error(lake, 400, "InvalidQueryParameterValue", "action");
            }
            match lake.paths.get(&key) {
                Some(n) => answer(
                    200,
                    &[
                        ("x-ms-owner", n.owner.clone()),
                        ("x-ms-group", n.group.clone()),
                        ("x-ms-permissions", n.permissions.clone()),
                        ("x-ms-acl", n.acl.clone()),
                        (
                            "x-ms-resource-type",
                            if n.dir { "directory" } else { "file" }.into(),
                        ),
                    ],
                    "",
                ),
                None => error(
                    lake,
                    404,
                    "PathNotFound",
                    "The specified path does not exist.",
                ),
            }
        }
        "PATCH" => {
            let acl = r.headers.get("x-ms-acl").cloned().unwrap_or_default();
            match q("action") {
                Some("setAccessControl") => {
                    if !valid_acl(&acl, false) {
                        return error(lake, 400, "InvalidAccessControlList", "bad ACL");
                    }
                    match lake.paths.get_mut(&key) {
                        Some(n) => {
                            n.acl = acl;
                            answer(200, &[], "")
                        }
                        None => error(
                            lake,
                            404,
                            "PathNotFound",
                            "The specified path does not exist.",
                        ),
                    }
                }
                Some("setAccessControlRecursive") => {
                    let mode = q("mode").unwrap_or("").to_string();
                    if !matches!(mode.as_str(), "set" | "modify" | "remove") {
                        return error(lake, 400, "InvalidQueryParameterValue", "mode");
                    }
                    if !valid_acl(&acl, mode == "remove") {
                        return error(lake, 400, "InvalidAccessControlList", "bad ACL");
                    }
                    if !lake.paths.contains_key(&key) {
                        return error(
                            lake,
                            404,
                            "PathNotFound",
                            "The specified path does not exist.",
                        );
                    }
                    let todo = match q("continuation") {
                        Some(t) => match lake.tokens.remove(t) {
                            Some(rest) => rest,
                            None => {
                                return error(
                                    lake,
                                    400,
                                    "InvalidQueryParameterValue",
                                    "continuation",
                                );
                            }
                        },
                        None => lake.subtree(&key),
                    };
                    let page = lake.page.max(1);
                    let (now, later) = todo.split_at(todo.len().min(page));
                    let (mut dirs, mut files, mut failed) = (0, 0, Vec::new());
                    for p in now {
                        if lake.failing.iter().any(|f| p.contains(f.as_str())) {
                            failed.push(format!(
                                r#"{{"errorMessage":"This request is not authorized to perform this operation using this permission.","name":"{}","type":"{}"}}"#,
                                &p[fs.len() + 1..],
                                if lake.paths[p].dir { "DIRECTORY" } else { "FILE" }
                            ));
                            continue;
                        }
                        let n = lake.paths.get_mut(p).unwrap();
                        n.acl = apply(&n.acl, &mode, &acl);
                        n.acl_changes += 1;
                        if n.dir { dirs += 1 } else { files += 1 }
                    }
                    let body = format!(
                        r#"{{"directoriesSuccessful":{dirs},"filesSuccessful":{files},"failureCount":{},"failedEntries":[{}]}}"#,
                        failed.len(),
                        failed.join(",")
                    );
                    let _ = &path;
                    let mut headers = vec![("Content-Type", "application/json".to_string())];
                    if !later.is_empty() {
                        headers.push(("x-ms-continuation", lake.token(later.to_vec())));
                    }
                    answer(200, &headers, &body)
                }
                _ => error(lake, 400, "InvalidQueryParameterValue", "action"),
            }
        }
        _ => error(lake, 405, "UnsupportedHttpVerb", "verb"),
    }
}

impl DfsStub {
    /// Serves on a free loopback port until the test process ends.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind dfs stub");
        let endpoint = format!("http://{}/{ACCOUNT}", listener.local_addr().expect("addr"));
        let lake = Arc::new(Mutex::new(Lake {
            page: 2,
            ..Lake::default()
        }));
        let shared = lake.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let lake = shared.clone();
                tokio::spawn(async move {
                    let Some(req) = read_request(&mut socket).await else {
                        return;
                    };
                    let delay = lake.lock().unwrap().delay_ms;
                    if delay > 0 {
                        tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
                    }
                    let response = route(&mut lake.lock().unwrap(), &req);
                    let _ = socket.write_all(response.as_bytes()).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        Self { endpoint, lake }
    }

    /// The host to give as `--emulator` so Get Account Information comes
    /// here too (everything else blob-side would be refused).
    pub fn host(&self) -> String {
        self.endpoint
            .trim_end_matches(&format!("/{ACCOUNT}"))
            .to_string()
    }

    pub fn lake(&self) -> std::sync::MutexGuard<'_, Lake> {
        self.lake.lock().unwrap()
    }
}
