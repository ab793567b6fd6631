//! Ready-made rule sets: browser uploads from a web app, local development.

use super::model::{CorsMethod, CorsRule};
use super::validate::check_origin;

// ---------------------------------------------------------------------------
// Presets

/// Rules for a web app that uploads straight from the browser, as hosted ML
/// platforms document them: anyone may read (GET, OPTIONS), the app's origin
/// may also write (POST, PUT).
pub fn preset_browser_uploads(app_origin: &str) -> Result<Vec<CorsRule>, String> {
    let origin = app_origin.trim().trim_end_matches('/');
    if origin == "*" {
        return Err("give the web app's own origin, e.g. https://ml.example.com".into());
    }
    check_origin(origin)?;
    let allowed = ["content-type", "x-ms-*"];
    let exposed = ["x-ms-meta-*"];
    Ok(vec![
        CorsRule::new(
            &["*"],
            &[CorsMethod::Get, CorsMethod::Options],
            &allowed,
            &exposed,
            3000,
        ),
        CorsRule::new(
            &[origin],
            &[CorsMethod::Post, CorsMethod::Put],
            &allowed,
            &exposed,
            3000,
        ),
    ])
}

/// One rule for apps served by local development servers.
pub fn preset_local_development() -> Vec<CorsRule> {
    vec![CorsRule::new(
        &[
            "http://localhost:3000",
            "http://localhost:5173",
            "http://localhost:8080",
            "http://127.0.0.1:3000",
            "http://127.0.0.1:5173",
            "http://127.0.0.1:8080",
        ],
        &[
            CorsMethod::Delete,
            CorsMethod::Get,
            CorsMethod::Head,
            CorsMethod::Post,
            CorsMethod::Options,
            CorsMethod::Put,
        ],
        &["*"],
        &["*"],
        600,
    )]
}
