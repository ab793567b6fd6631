//! Azurite for tests and the demo: installed from the pinned lockfile on first
//! use, started in memory on a free loopback port, gone when this process ends.
#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub struct Emulator {
    /// `http://127.0.0.1:PORT`
    pub host: String,
    pub port: u16,
    child: Child,
}

fn emulator_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/emulator")
}

/// Installs the pinned Azurite (npm ci) unless it is already there.
pub fn install() -> Result<PathBuf, String> {
    install_in(&emulator_dir())
}

/// [`install`] from the lockfile in `dir`.
fn install_in(dir: &Path) -> Result<PathBuf, String> {
    let dir = dir.to_path_buf();
    let bin = dir.join("node_modules/.bin/azurite-blob");
    if bin.exists() {
        return Ok(bin);
    }
    eprintln!("installing the pinned Azurite into {} …", dir.display());
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&dir)
        .status()
        .map_err(|e| format!("cannot run npm (Node 20+ is needed): {e}"))?;
    if !status.success() || !bin.exists() {
        return Err(format!("npm ci in {} failed ({status})", dir.display()));
    }
    Ok(bin)
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

fn port_is_free(port: u16) -> bool {
    TcpListener::bind(("127.0.0.1", port)).is_ok()
}

impl Emulator {
    /// Starts Azurite on `port`, or on a free port if `None`.
    pub fn start_on(port: Option<u16>) -> Result<Self, String> {
        Self::start_with(port, &[])
    }

    /// Over HTTPS with bearer tokens checked (`--oauth basic`): `cert` and
    /// `key` are PEM files. `host` is then `https://127.0.0.1:PORT`.
    pub fn start_oauth(cert: &Path, key: &Path) -> Result<Self, String> {
        let (cert, key) = (cert.display().to_string(), key.display().to_string());
        let mut e = Self::start_with(None, &["--oauth", "basic", "--cert", &cert, "--key", &key])?;
        e.host = format!("https://127.0.0.1:{}", e.port);
        Ok(e)
    }

    fn start_with(port: Option<u16>, extra: &[&str]) -> Result<Self, String> {
        Self::start_bin(install()?, port, true, extra)
    }

    /// The older pinned Azurite (tests/emulator/old), started as many run it
    /// (Docker, an editor extension): without `--skipApiVersionCheck`, so it
    /// refuses service versions newer than its own.
    pub fn start_old() -> Result<Self, String> {
        Self::start_bin(install_in(&emulator_dir().join("old"))?, None, false, &[])
    }

    fn start_bin(
        bin: PathBuf,
        port: Option<u16>,
        skip_version_check: bool,
        extra: &[&str],
    ) -> Result<Self, String> {
        let port = match port {
            Some(p) => p,
            None => free_port()?,
        };
        // The shell waits on our stdin; when this process exits for any reason the
        // pipe closes, `cat` returns, and Azurite is killed with it.
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(r#""$0" "$@" & pid=$!; cat >/dev/null; kill $pid 2>/dev/null"#)
            .arg(&bin)
            .args([
                "--inMemoryPersistence",
                "--blobHost",
                "127.0.0.1",
                "--blobPort",
                &port.to_string(),
                "--loose",
                "--silent",
            ])
            .args(skip_version_check.then_some("--skipApiVersionCheck"))
            .args(extra)
            // The emulator's own request log, to see why it answered as it did.
            .args(
                std::env::var("BLOBX_AZURITE_DEBUG")
                    .ok()
                    .map(|path| ["--debug".to_string(), path])
                    .into_iter()
                    .flatten(),
            )
            .stdin(Stdio::piped())
            // Nothing may reach the terminal: the demo draws the TUI on it.
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start Azurite: {e}"))?;
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!("Azurite exited at start ({status})"));
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                return Err("Azurite did not start listening within 60 s".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(Self {
            host: format!("http://127.0.0.1:{port}"),
            port,
            child,
        })
    }

    /// One emulator per test process, shared by its tests (each uses its own containers).
    pub fn shared() -> &'static Emulator {
        static EMULATOR: OnceLock<Emulator> = OnceLock::new();
        EMULATOR.get_or_init(|| match Emulator::start_on(None) {
            Ok(e) => e,
            Err(e) => panic!("test emulator: {e}"),
        })
    }

    /// The default port if it is free, so plain `blobx` finds it; else any free port.
    pub fn start_preferring_default() -> Result<Self, String> {
        if port_is_free(10000) {
            Self::start_on(Some(10000))
        } else {
            Self::start_on(None)
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        // Closing stdin makes the wrapper kill Azurite.
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}
