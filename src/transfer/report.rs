//! A batch's report as CSV: one row per transfer with its size, state, error
//! and checksum, for audits and spreadsheets.

use super::engine::ItemView;
use super::model::Status;
use base64::Engine as _;
use std::path::Path;

pub const HEADER: [&str; 9] = [
    "direction",
    "source",
    "target",
    "size_bytes",
    "status",
    "error",
    "content_md5_base64",
    "md5_hex",
    "bytes_done",
];

fn direction(item: &ItemView) -> &'static str {
    match item.kind {
        super::model::Kind::Upload => "upload",
        super::model::Kind::Download => "download",
        super::model::Kind::Copy => "copy",
        super::model::Kind::Change => "change",
    }
}

fn status_and_error(status: &Status) -> (&'static str, String) {
    match status {
        Status::Queued => ("queued", String::new()),
        Status::Running => ("running", String::new()),
        Status::Paused => ("paused", String::new()),
        Status::Verifying => ("verifying", String::new()),
        Status::Done => ("done", String::new()),
        Status::Skipped(why) => ("skipped", why.clone()),
        Status::Failed(why) => ("failed", why.clone()),
        Status::Cancelled => ("cancelled", String::new()),
    }
}

/// The same digest as `md5sum` prints, so a local check needs no conversion.
fn hex_of(b64: &str) -> String {
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map(|bytes| bytes.iter().map(|b| format!("{b:02x}")).collect())
        .unwrap_or_default()
}

pub fn to_csv(items: &[ItemView]) -> Result<Vec<u8>, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| format!("cannot write the report: {e}");
    w.write_record(HEADER).map_err(err)?;
    for item in items {
        let (status, error) = status_and_error(&item.status);
        let md5 = item.checksum.clone().unwrap_or_default();
        w.write_record([
            direction(item),
            &item.source,
            &item.target,
            &item.total.to_string(),
            status,
            &error,
            &md5,
            &hex_of(&md5),
            &item.done.to_string(),
        ])
        .map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| format!("cannot write the report: {e}"))
}

/// Writes the report next to its final name first, so a crash never leaves
/// half a report. `replace` says whether an existing file may be replaced.
pub fn write(path: &Path, items: &[ItemView], replace: bool) -> Result<(), String> {
    if !replace && path.exists() {
        return Err(format!(
            "{} already exists; give another name (nothing was overwritten)",
            path.display()
        ));
    }
    if path.is_dir() {
        return Err(format!("{} is a folder; give a file name", path.display()));
    }
    let data = to_csv(items)?;
    let tmp = path.with_extension("csv.tmp");
    std::fs::write(&tmp, &data)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            format!("cannot write {}: {e}", path.display())
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transfer::model::Kind;

    fn item(status: Status, checksum: Option<&str>) -> ItemView {
        ItemView {
            id: 1,
            name: "a, \"b\".csv".into(),
            kind: Kind::Download,
            source: "az://data/a, \"b\".csv".into(),
            target: "/tmp/a, \"b\".csv".into(),
            status,
            done: 3,
            total: 3,
            rate: 0,
            eta_secs: None,
            checksum: checksum.map(str::to_string),
            note: None,
        }
    }

    #[test]
    fn rows_quote_awkward_names_and_carry_both_checksum_forms() {
        let items = [
            item(Status::Done, Some("kAFQmDzST7DWlj99KOF/cg==")),
            item(Status::Failed("the disk is full".into()), None),
        ];
        let text = String::from_utf8(to_csv(&items).unwrap()).unwrap();
        let mut rows = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = rows.records().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            &rows[0][1], "az://data/a, \"b\".csv",
            "quoted, read back intact"
        );
        assert_eq!(&rows[0][4], "done");
        assert_eq!(
            &rows[0][7],
            "90015098 3cd24fb0d6963f7d28e17f72".replace(' ', "")
        );
        assert_eq!(&rows[1][4], "failed");
        assert_eq!(&rows[1][5], "the disk is full");
        assert_eq!(&rows[1][6], "");
    }

    #[test]
    fn an_existing_report_is_not_overwritten_unless_asked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.csv");
        write(&path, &[item(Status::Done, None)], false).unwrap();
        let first = std::fs::read(&path).unwrap();
        let e = write(&path, &[], false).unwrap_err();
        assert!(e.contains("already exists"), "{e}");
        assert_eq!(std::fs::read(&path).unwrap(), first);
        write(&path, &[], true).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap().lines().count(),
            1,
            "header only"
        );
        let e = write(dir.path(), &[], true).unwrap_err();
        assert!(e.contains("is a folder"), "{e}");
    }
}
