//! Runs the real `blobx` binary in a pseudo-terminal and reads its screen
//! through a VT100 emulator, as a person at a terminal would see it.
#![allow(dead_code)]

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Tui {
    parser: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
    logs: std::path::PathBuf,
    /// Every byte the app wrote, for failure messages.
    raw: Arc<Mutex<Vec<u8>>>,
}

impl Tui {
    /// Starts blobx with `args`, isolated config and log dirs, at `cols`×`rows`.
    pub fn spawn(args: &[&str], env: &[(&str, &str)], dir: &Path, cols: u16, rows: u16) -> Self {
        Self::spawn_program(env!("CARGO_BIN_EXE_blobx"), args, env, dir, cols, rows)
    }

    /// Like `spawn`, but through another program (a wrapper that sets limits
    /// and then runs blobx, which it finds among `args`).
    pub fn spawn_program(
        program: &str,
        args: &[&str],
        env: &[(&str, &str)],
        dir: &Path,
        cols: u16,
        rows: u16,
    ) -> Self {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open pty");
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("BLOBX_CONFIG_DIR", dir.join("config"));
        cmd.env("BLOBX_LOG_DIR", dir.join("logs"));
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn blobx");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let sink = parser.clone();
        let raw = Arc::new(Mutex::new(Vec::new()));
        let raw_sink = raw.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut r) = raw_sink.lock() {
                    r.extend_from_slice(&buf[..n]);
                }
                if let Ok(mut p) = sink.lock() {
                    p.process(&buf[..n]);
                }
            }
        });
        Self {
            parser,
            writer,
            child,
            _master: pair.master,
            logs: dir.join("logs"),
            raw,
        }
    }

    pub fn screen(&self) -> String {
        self.parser
            .lock()
            .map(|p| p.screen().contents())
            .unwrap_or_default()
    }

    /// True while the app owns the screen (alternate screen on).
    pub fn in_alternate_screen(&self) -> bool {
        self.parser
            .lock()
            .map(|p| p.screen().alternate_screen())
            .unwrap_or(false)
    }

    pub fn cursor_hidden(&self) -> bool {
        self.parser
            .lock()
            .map(|p| p.screen().hide_cursor())
            .unwrap_or(false)
    }

    pub fn send(&mut self, keys: &str) {
        self.writer
            .write_all(keys.as_bytes())
            .expect("write to pty");
        self.writer.flush().expect("flush pty");
    }

    /// Types text one key at a time, as a person would.
    pub fn type_text(&mut self, text: &str) {
        for ch in text.chars() {
            self.send(&ch.to_string());
            std::thread::sleep(Duration::from_millis(15));
        }
    }

    /// Waits until the screen satisfies `pred`; panics with the screen if it never does.
    pub fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        self.wait_within(Duration::from_secs(90), what, pred)
    }

    /// [`Self::wait_for`] with its own limit, for work whose length grows
    /// with the data (listing 100,000 blobs on a loaded machine).
    pub fn wait_within(&self, limit: Duration, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + limit;
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn wait_text(&self, text: &str) -> String {
        self.wait_for(text, |s| s.contains(text))
    }

    /// Resizes the terminal, as a person dragging the window would.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        // The screen model first: the app redraws as soon as the pty tells it,
        // and a frame parsed at the old size would be clipped for good (the
        // app only sends cells that changed after that).
        if let Ok(mut p) = self.parser.lock() {
            p.screen_mut().set_size(rows, cols);
        }
        self._master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize pty");
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.process_id()
    }

    /// Waits for the process to exit and returns whether it succeeded.
    pub fn wait_exit(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                // Let the reader thread take the last bytes (the restore sequence).
                std::thread::sleep(Duration::from_millis(200));
                return status.success();
            }
            if Instant::now() > deadline {
                let stacks = self.pid().map(thread_stacks).unwrap_or_default();
                let _ = self.child.kill();
                panic!(
                    "blobx did not exit; last bytes it wrote: {}\nalternate screen: {}; screen:\n{}\nits threads:\n{stacks}\nits log:\n{}",
                    self.raw
                        .lock()
                        .map(|r| {
                            let tail = &r[r.len().saturating_sub(1500)..];
                            format!("({} in all) {}", r.len(), tail.escape_ascii())
                        })
                        .unwrap_or_default(),
                    self.in_alternate_screen(),
                    self.screen(),
                    log_tail(&self.logs)
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
    }
}

/// Where each thread of a stuck process is, for the failure message: gdb's
/// backtraces when gdb is installed, else the kernel's wait channels.
fn thread_stacks(pid: u32) -> String {
    let stty = std::process::Command::new("stty")
        .args(["-a", "-F", &format!("/proc/{pid}/fd/0")])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    format!("terminal modes: {stty}\n{}", backtraces(pid))
}

fn backtraces(pid: u32) -> String {
    let gdb = std::process::Command::new("timeout")
        .args(["20", "gdb", "-p", &pid.to_string(), "-batch", "-nx"])
        .args(["-ex", "thread apply all bt 30"])
        .output();
    if let Ok(out) = gdb
        && out.status.success()
    {
        return String::from_utf8_lossy(&out.stdout).into_owned();
    }
    let mut text = String::new();
    if let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) {
        for task in tasks.flatten() {
            let read = |f: &str| std::fs::read_to_string(task.path().join(f)).unwrap_or_default();
            text.push_str(&format!(
                "{} {} wchan={}\n",
                task.file_name().to_string_lossy(),
                read("comm").trim(),
                read("wchan")
            ));
        }
    }
    text
}

/// The last lines of every log file in `dir`.
fn log_tail(dir: &Path) -> String {
    let mut text = String::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let body = std::fs::read_to_string(entry.path()).unwrap_or_default();
        let lines: Vec<&str> = body.lines().collect();
        text.push_str(&lines[lines.len().saturating_sub(40)..].join("\n"));
        text.push('\n');
    }
    text
}
