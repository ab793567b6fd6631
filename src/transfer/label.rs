//! What a transfers row calls its item: the path relative to its batch, so
//! a folder of a hundred `part-00000.parquet` reads `2024/03/01/part-00000.parquet`,
//! `2024/03/02/…` instead of a hundred identical names.

use super::model::{Endpoint, ItemSpec, Kind};

/// The side whose names vary within a batch: the files for an upload, the
/// blobs for a download or copy; with what they are grouped by.
fn path_of(spec: &ItemSpec) -> (String, Vec<String>) {
    match (&spec.kind, &spec.source) {
        (Kind::Upload, Endpoint::Local(p)) => (
            "local".into(),
            p.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect(),
        ),
        (
            _,
            Endpoint::Blob {
                account,
                container,
                name,
                ..
            },
        ) => (
            format!("{account}/{container}"),
            name.split('/').map(str::to_string).collect(),
        ),
        _ => (String::new(), vec![spec.source.display()]),
    }
}

/// One label per spec: its path below the deepest folder shared by every
/// item of the batch with the same source (the file name alone for a
/// single item), plus the snapshot or version it reads, if any.
pub fn batch_labels(specs: &[ItemSpec]) -> Vec<String> {
    let paths: Vec<(String, Vec<String>)> = specs.iter().map(path_of).collect();
    // Per group, the folder segments every item shares.
    let mut roots: std::collections::HashMap<&str, &[String]> = Default::default();
    for (group, segs) in &paths {
        let folder = &segs[..segs.len().saturating_sub(1)];
        let root = roots.entry(group.as_str()).or_insert(folder);
        let shared = root.iter().zip(folder).take_while(|(a, b)| a == b).count();
        *root = &root[..shared];
    }
    specs
        .iter()
        .zip(&paths)
        .map(|(spec, (group, segs))| {
            let root = roots.get(group.as_str()).map_or(0, |r| r.len());
            let keep = root.min(segs.len().saturating_sub(1));
            let mut label = segs[keep..].join("/");
            if let Some(q) = spec.source.at() {
                // Says it is not the current blob: "prices.csv @ snapshot 2026-…".
                label.push_str(&format!(" @ {}", q.describe()));
            }
            label
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn down(name: &str) -> ItemSpec {
        ItemSpec {
            kind: Kind::Download,
            source: Endpoint::blob(0, "datasets", name),
            target: Endpoint::Local(PathBuf::from(format!("/tmp/x/{name}"))),
            size: 1,
        }
    }

    fn up(path: &str) -> ItemSpec {
        ItemSpec {
            kind: Kind::Upload,
            source: Endpoint::Local(PathBuf::from(path)),
            target: Endpoint::blob(0, "c", "x"),
            size: 1,
        }
    }

    #[test]
    fn rows_show_the_path_below_what_the_batch_shares() {
        let specs: Vec<ItemSpec> = [
            "raw/2024/03/01/part-00000.parquet",
            "raw/2024/03/02/part-00000.parquet",
            "raw/2024/04/01/part-00000.parquet",
        ]
        .into_iter()
        .map(down)
        .collect();
        assert_eq!(
            batch_labels(&specs),
            [
                "03/01/part-00000.parquet",
                "03/02/part-00000.parquet",
                "04/01/part-00000.parquet"
            ]
        );
        assert_eq!(batch_labels(&[down("raw/2024/a.csv")]), ["a.csv"]);
        assert_eq!(
            batch_labels(&[down("a.csv"), down("raw/b.csv")]),
            ["a.csv", "raw/b.csv"]
        );
        assert_eq!(
            batch_labels(&[
                up("/home/u/data/x/1.bin"),
                up("/home/u/data/y/1.bin"),
                down("k/z.csv")
            ]),
            ["x/1.bin", "y/1.bin", "z.csv"],
            "each source groups on its own"
        );
        assert!(batch_labels(&[]).is_empty());
    }
}
