//! What to do when the target already exists. Nothing is overwritten unless
//! the user chose so for the batch.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Conflict {
    /// Leave the existing target alone.
    #[default]
    Skip,
    Overwrite,
    /// Write beside it as `name (1).ext`.
    KeepBoth,
    /// Overwrite only when the sizes differ.
    IfDifferent,
}

impl Conflict {
    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "never" | "skip" => Ok(Conflict::Skip),
            "always" | "overwrite" => Ok(Conflict::Overwrite),
            "rename" | "keep-both" => Ok(Conflict::KeepBoth),
            "if-different" => Ok(Conflict::IfDifferent),
            other => Err(format!(
                "--overwrite {other}: use never, always, rename or if-different"
            )),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Conflict::Skip => "skip",
            Conflict::Overwrite => "overwrite",
            Conflict::KeepBoth => "keep both",
            Conflict::IfDifferent => "overwrite if the size differs",
        }
    }
}

/// `name (n).ext`, keeping any folder part of the name.
pub fn numbered(name: &str, n: usize) -> String {
    let (dir, file) = match name.rfind('/') {
        Some(i) => name.split_at(i + 1),
        None => ("", name),
    };
    match file.rfind('.').filter(|&i| i > 0) {
        Some(i) => format!("{dir}{} ({n}){}", &file[..i], &file[i..]),
        None => format!("{dir}{file} ({n})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_names() {
        assert_eq!(numbered("a.csv", 1), "a (1).csv");
        assert_eq!(numbered("dir/a.tar.gz", 2), "dir/a.tar (2).gz");
        assert_eq!(numbered("dir/.env", 1), "dir/.env (1)");
        assert_eq!(numbered("noext", 3), "noext (3)");
    }

    #[test]
    fn parse_flags() {
        assert_eq!(Conflict::parse("never"), Ok(Conflict::Skip));
        assert!(
            Conflict::parse("maybe")
                .unwrap_err()
                .contains("if-different")
        );
    }
}
