//! Logs go to a daily file in the data dir, never to the screen.

use std::path::PathBuf;
use std::sync::OnceLock;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::Layer as _;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// The target every change to the service is logged under (one line each).
pub const AUDIT_TARGET: &str = "blobx::audit";

type AuditSink = Box<dyn Fn(String) + Send + Sync>;

/// Where audit lines go besides the log file: the TUI's activity pane. A
/// subscriber is process-wide, so its listener is too; set once by the TUI.
static AUDIT_SINK: OnceLock<AuditSink> = OnceLock::new();

/// Hands every audit line (as "action what") to `sink` from now on.
pub fn on_audit(sink: impl Fn(String) + Send + Sync + 'static) {
    let _ = AUDIT_SINK.set(Box::new(sink));
}

/// Forwards `blobx::audit` events to the sink.
struct AuditForwarder;

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for AuditForwarder {
    fn on_event(
        &self,
        event: &tracing::Event<'_>,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        if event.metadata().target() != AUDIT_TARGET {
            return;
        }
        let Some(sink) = AUDIT_SINK.get() else {
            return;
        };
        let mut fields = Fields::default();
        event.record(&mut fields);
        sink(fields.0.join(" "));
    }
}

/// The event's fields but the fixed message, in order.
#[derive(Default)]
struct Fields(Vec<String>);

impl tracing::field::Visit for Fields {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() != "message" {
            self.0.push(value.to_string());
        }
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() != "message" {
            self.0.push(format!("{value:?}"));
        }
    }
}

/// Starts file logging. Keep the guard alive until exit so the last lines are written.
/// `BLOBX_LOG` sets the filter (default `info`; the SDK's own spans stay at `warn`).
pub fn init() -> Option<(WorkerGuard, PathBuf)> {
    let dir = crate::config::paths::log_dir()?;
    std::fs::create_dir_all(&dir).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Logs name containers and blobs; keep them private to the user.
        let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700));
    }
    let appender = tracing_appender::rolling::daily(&dir, "blobx.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_env("BLOBX_LOG").unwrap_or_else(|_| {
        EnvFilter::new("info,azure_core=warn,typespec_client_core=warn,reqsign=warn")
    });
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(writer)
                .with_ansi(false)
                .with_filter(filter),
        )
        .with(AuditForwarder)
        .try_init()
        .ok()?;
    Some((guard, dir))
}
