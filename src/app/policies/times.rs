//! Times in words: how the table and the form show them, how the form reads
//! them (`+7d` counts from when the policies were read), and a policy's status.

use crate::azure::access::{self, StoredPolicy, parse_time_input};
use crate::azure::sas::parse_duration;
use time::OffsetDateTime;

/// `2026-12-31 18:00` (UTC), seconds only when there are some.
pub fn show_time(t: Option<OffsetDateTime>) -> String {
    let Some(t) = t else {
        return "-".into();
    };
    let t = t.to_offset(time::UtcOffset::UTC);
    let f = if t.second() == 0 {
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]")
    } else {
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]")
    };
    t.format(&f).unwrap_or_else(|_| access::format_time(t))
}

/// A time as the form's field shows it, so it reads back the same.
pub(crate) fn input_time(t: Option<OffsetDateTime>) -> String {
    let Some(t) = t else {
        return String::new();
    };
    let t = t.to_offset(time::UtcOffset::UTC);
    if t.nanosecond() != 0 || t.second() != 0 {
        return access::format_time(t);
    }
    let date = time::macros::format_description!("[year]-[month]-[day]");
    let minutes = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]Z");
    let f = if t.hour() == 0 && t.minute() == 0 {
        date
    } else {
        minutes
    };
    t.format(&f).unwrap_or_else(|_| access::format_time(t))
}

/// A field's time: empty is none, `+7d` counts from `now`, else a date or time.
pub fn parse_field_time(text: &str, now: i64) -> Result<Option<OffsetDateTime>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if let Some(rest) = t.strip_prefix('+') {
        let secs = parse_duration(rest)?;
        return OffsetDateTime::from_unix_timestamp(now.saturating_add(secs))
            .map(Some)
            .map_err(|_| format!("{t:?} is too far in the future"));
    }
    parse_time_input(t)
        .map(Some)
        .map_err(|_| format!("{t:?} is not a time; write 2026-12-31, 2026-12-31T18:00Z or +7d"))
}

/// "3 days", "5 hours", "12 minutes".
fn span(secs: i64) -> String {
    let (n, unit) = if secs >= 2 * 86_400 {
        (secs / 86_400, "day")
    } else if secs >= 2 * 3600 {
        (secs / 3600, "hour")
    } else {
        ((secs / 60).max(1), "minute")
    };
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

/// Where a policy stands at `now`: "expired", "starts in 2 days", …
pub fn policy_status(p: &StoredPolicy, now: i64) -> String {
    let start = p.start.map(|t| t.unix_timestamp());
    let expiry = p.expiry.map(|t| t.unix_timestamp());
    match (start, expiry) {
        (_, Some(e)) if e <= now => "expired".into(),
        (Some(s), _) if s > now => format!("starts in {}", span(s - now)),
        (_, Some(e)) => format!("active, ends in {}", span(e - now)),
        (_, None) => "active, no expiry here".into(),
    }
}
