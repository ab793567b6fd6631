//! POSIX access control lists as the Data Lake service writes them:
//! `user::rwx,group::r-x,other::---,default:user:<object id>:r-x,mask::r-x`.
//! Parsed and checked before anything is sent, with errors that say which
//! entry is wrong and why.

use std::fmt;

/// Who an entry is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    User,
    Group,
    Mask,
    Other,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::User => "user",
            Kind::Group => "group",
            Kind::Mask => "mask",
            Kind::Other => "other",
        }
    }
}

/// One entry. `qualifier` is empty for the owning user/group, the mask and
/// other; else an Entra object ID (or a user principal name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub default: bool,
    pub kind: Kind,
    pub qualifier: String,
    /// `rwx`, `r-x`, …; `None` in a remove list (no permissions given).
    pub perms: Option<String>,
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.default {
            f.write_str("default:")?;
        }
        write!(f, "{}:{}", self.kind.name(), self.qualifier)?;
        if let Some(p) = &self.perms {
            write!(f, ":{p}")?;
        }
        Ok(())
    }
}

/// An access control list, in the order given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Acl(pub Vec<Entry>);

impl fmt::Display for Acl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

/// What an ACL is for: the service wants permissions in `set`/`modify`
/// lists and none in `remove` lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Use {
    /// Replaces the whole ACL: must hold user::, group:: and other::.
    Set,
    /// Adds or changes the entries named.
    Modify,
    /// Removes the entries named (no permissions).
    Remove,
}

/// At most this many entries (the service's limit is 32 access and 32
/// default entries).
pub const MAX_ENTRIES: usize = 64;

fn valid_perms(p: &str) -> bool {
    let b = p.as_bytes();
    // rwx with `-` for each missing right; a sticky bit (`t`/`T`) only in the
    // permissions string, not here.
    b.len() == 3
        && matches!(b[0], b'r' | b'-')
        && matches!(b[1], b'w' | b'-')
        && matches!(b[2], b'x' | b'-')
}

fn valid_qualifier(q: &str) -> bool {
    // An object ID (GUID) or a user principal name; no separators or spaces.
    !q.is_empty()
        && q.len() <= 256
        && q.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@' | '#' | '$'))
}

fn parse_entry(text: &str, usage: Use) -> Result<Entry, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("an empty entry (two commas in a row?)".into());
    }
    let (default, rest) = match t.strip_prefix("default:") {
        Some(r) => (true, r),
        None => (false, t),
    };
    let parts: Vec<&str> = rest.split(':').collect();
    let (kind, qualifier, perms) = match (usage, parts.as_slice()) {
        (Use::Remove, [k, q]) => (*k, *q, None),
        (Use::Remove, [k, q, ""]) => (*k, *q, None),
        (Use::Remove, _) => {
            return Err(format!(
                "{t:?}: a removal names an entry without permissions, like user:<object id>"
            ));
        }
        (_, [k, q, p]) => (*k, *q, Some(*p)),
        _ => {
            return Err(format!(
                "{t:?}: an entry is [default:]user|group|mask|other:[id]:rwx"
            ));
        }
    };
    let kind = match kind {
        "user" => Kind::User,
        "group" => Kind::Group,
        "mask" => Kind::Mask,
        "other" => Kind::Other,
        k => return Err(format!("{t:?}: {k:?} is not user, group, mask or other")),
    };
    if matches!(kind, Kind::Mask | Kind::Other) && !qualifier.is_empty() {
        return Err(format!(
            "{t:?}: {} entries name nobody (write {}::{})",
            kind.name(),
            kind.name(),
            perms.unwrap_or("rwx")
        ));
    }
    if !qualifier.is_empty() && !valid_qualifier(qualifier) {
        return Err(format!(
            "{t:?}: {qualifier:?} is not an object ID or user principal name"
        ));
    }
    if let Some(p) = perms
        && !valid_perms(p)
    {
        return Err(format!(
            "{t:?}: permissions are three letters, r w x or - each (like r-x), not {p:?}"
        ));
    }
    Ok(Entry {
        default,
        kind,
        qualifier: qualifier.to_string(),
        perms: perms.map(str::to_string),
    })
}

/// Parses and checks an ACL for `usage`. The error names the first wrong
/// entry and what is wrong with it.
pub fn parse(text: &str, usage: Use) -> Result<Acl, String> {
    if text.trim().is_empty() {
        return Err("the ACL is empty".into());
    }
    let mut entries: Vec<Entry> = Vec::new();
    for (i, part) in text.split(',').enumerate() {
        let e = parse_entry(part, usage).map_err(|why| format!("entry {}: {why}", i + 1))?;
        if entries
            .iter()
            .any(|o| o.default == e.default && o.kind == e.kind && o.qualifier == e.qualifier)
        {
            return Err(format!(
                "entry {}: {:?} is named twice",
                i + 1,
                e.to_string()
            ));
        }
        entries.push(e);
    }
    if entries.len() > MAX_ENTRIES {
        return Err(format!(
            "{} entries: the service takes at most 32 access and 32 default entries",
            entries.len()
        ));
    }
    if usage == Use::Set {
        for kind in [Kind::User, Kind::Group, Kind::Other] {
            if !entries
                .iter()
                .any(|e| !e.default && e.kind == kind && e.qualifier.is_empty())
            {
                return Err(format!(
                    "a full ACL needs {}::… (user::, group:: and other:: entries)",
                    kind.name()
                ));
            }
        }
    }
    Ok(Acl(entries))
}

/// `rwxr-x---` (with an optional sticky `t`/`T` and a trailing `+` when an
/// extended ACL exists): checked the way the service would take it.
pub fn parse_permissions(text: &str) -> Result<String, String> {
    let t = text.trim();
    let core = t.strip_suffix('+').unwrap_or(t);
    let b = core.as_bytes();
    let ok = b.len() == 9
        && (0..3).all(|i| {
            let x = b[i * 3 + 2];
            matches!(b[i * 3], b'r' | b'-')
                && matches!(b[i * 3 + 1], b'w' | b'-')
                && (matches!(x, b'x' | b'-') || (i == 2 && matches!(x, b't' | b'T')))
        });
    if ok {
        Ok(core.to_string())
    } else {
        Err(format!(
            "{t:?}: permissions are nine letters like rwxr-x--- (owner, group, other)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_acl_round_trips() {
        let text = "user::rwx,group::r-x,other::---,default:user:4f2c8a10-0b1e-4c7a-9d55-1f0e2b3c4d5e:r-x,mask::r-x";
        let acl = parse(text, Use::Set).unwrap();
        assert_eq!(acl.0.len(), 5);
        assert!(acl.0[3].default);
        assert_eq!(acl.0[3].qualifier, "4f2c8a10-0b1e-4c7a-9d55-1f0e2b3c4d5e");
        assert_eq!(acl.to_string(), text);
    }

    #[test]
    fn errors_name_the_entry_and_the_fault() {
        let e = |t: &str, u| parse(t, u).unwrap_err();
        assert!(e("user::rwx,group::r-x", Use::Set).contains("other::"));
        assert!(e("user::rwz,group::r-x,other::---", Use::Set).contains("entry 1"));
        assert!(e("user::rwx,,other::---", Use::Modify).contains("empty entry"));
        assert!(e("owner::rwx", Use::Modify).contains("not user, group, mask or other"));
        assert!(e("mask:bob:r--", Use::Modify).contains("name nobody"));
        assert!(e("user:a b:r--", Use::Modify).contains("not an object ID"));
        assert!(e("user::rwx,user::r--", Use::Modify).contains("named twice"));
        assert!(e("user:x:rwx", Use::Remove).contains("without permissions"));
        assert!(e("", Use::Modify).contains("empty"));
        assert!(parse("user:x,default:group:y", Use::Remove).is_ok());
        assert!(parse("user:someone@contoso.com:r-x", Use::Modify).is_ok());
    }

    #[test]
    fn permissions_strings() {
        assert_eq!(parse_permissions("rwxr-x---").unwrap(), "rwxr-x---");
        assert_eq!(parse_permissions("rwxr-x--T+").unwrap(), "rwxr-x--T");
        assert!(parse_permissions("rwxr-x").is_err());
        assert!(parse_permissions("rwtr-x---").is_err());
    }
}
