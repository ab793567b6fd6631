//! Seeded mutation fuzzing of everything that parses user input: connection
//! strings, SAS URLs and tokens, az:// URIs, keymap and theme files, CORS
//! JSON. Each runs thousands of mutated inputs; none may panic, and every
//! refusal must say something. (The coverage-guided
//! cargo-fuzz targets live in `tests/fuzz/` and run under `RUSTC_BOOTSTRAP`
//! (`tests/fuzz/run.sh`); this runs on stable in every `cargo test`, and
//! replays the fuzz targets' seeds and kept crash inputs.)

use blobx::azure::connection::{
    parse_any, parse_connection_string, parse_sas_token, parse_sas_url,
};
use blobx::azure::uri::parse_az_uri;

const ROUNDS: usize = 4000;

// Only the generator, not the whole emulator harness.
#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

/// Characters that tend to break parsers.
const SPICE: &[&str] = &[
    "=",
    ";",
    "&",
    "?",
    "#",
    "%",
    "%2",
    "%ZZ",
    "/",
    "//",
    ":",
    "@",
    "[",
    "]",
    "\\",
    "\u{0}",
    "\n",
    " ",
    "é",
    "数",
    "\u{202e}",
    "..",
    "==",
    "sig=",
    "se=",
    "sv=",
    "https://",
    "az://",
    "AccountKey=",
    "*",
    "{",
    "}",
    "\"",
    "'",
];

fn mutate(rng: &mut Rng, seed: &str) -> String {
    let mut s: Vec<char> = seed.chars().collect();
    for _ in 0..=rng.below(4) {
        match rng.below(5) {
            0 if !s.is_empty() => {
                let at = rng.below(s.len());
                let len = rng.below(s.len() - at + 1);
                s.drain(at..at + len);
            }
            1 => {
                let at = rng.below(s.len() + 1);
                let spice = SPICE[rng.below(SPICE.len())];
                for (i, c) in spice.chars().enumerate() {
                    s.insert(at + i, c);
                }
            }
            2 if !s.is_empty() => {
                let at = rng.below(s.len());
                s[at] = char::from_u32(rng.below(0x3000) as u32).unwrap_or('x');
            }
            3 if !s.is_empty() => {
                let cut = rng.below(s.len());
                s.truncate(cut);
            }
            _ => {
                let dup: Vec<char> = s.clone();
                s.extend(dup.iter().take(rng.below(dup.len() + 1)));
            }
        }
    }
    s.into_iter().collect()
}

fn run(seeds: &[&str], check: impl Fn(&str) -> Result<(), String>) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for round in 0..ROUNDS {
        let input = mutate(&mut rng, seeds[round % seeds.len()]);
        if let Err(e) = check(&input) {
            assert!(!e.trim().is_empty(), "an empty error for {input:?}");
        }
    }
}

const KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

#[test]
fn connection_strings_never_panic() {
    let seeds = [
        format!("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={KEY};EndpointSuffix=core.windows.net"),
        "BlobEndpoint=https://acct.blob.core.windows.net/;SharedAccessSignature=sv=2022-11-02&se=2099-01-01&sp=rl&sig=abc".into(),
        "UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://127.0.0.1".into(),
    ];
    let seeds: Vec<&str> = seeds.iter().map(String::as_str).collect();
    run(&seeds, |s| parse_connection_string(s, 0).map(|_| ()));
    run(&seeds, |s| parse_any(s, 0).map(|_| ()));
}

#[test]
fn sas_urls_and_tokens_never_panic() {
    let seeds = [
        "https://acct.blob.core.windows.net/data?sv=2022-11-02&se=2099-01-01T00:00:00Z&sp=rl&sr=c&sig=abc%2B%3D",
        "http://127.0.0.1:10000/devstoreaccount1/c?sv=1&st=2020-01-01&se=2099-01-01&ss=b&srt=sco&sp=r&sig=x",
        "?sv=2022-11-02&se=2099-01-01&si=policy&sig=x",
    ];
    run(&seeds, |s| parse_sas_url(s, 0).map(|_| ()));
    run(&seeds, |s| parse_sas_token(s, 0).map(|_| ()));
}

#[test]
fn az_uris_never_panic() {
    run(
        &["az://data/raw/2024/", "abfss://c@acct/x", "az://c"],
        |s| parse_az_uri(s).map(|_| ()),
    );
}

#[test]
fn keymap_and_theme_files_never_panic() {
    let keymap = "[normal]\ndown = [\"j\", \"ctrl-n\"]\nquit = [\"q\"]\n";
    run(&[keymap], |s| {
        blobx::config::Keymap::load(Some(s)).map(|_| ())
    });
    run(&["[colors]\naccent = \"#ff8800\"\n"], |s| {
        blobx::config::Theme::load(Some(s)).map(|_| ())
    });
}

#[test]
fn cors_json_never_panics() {
    let seed = r#"{"rules":[{"allowed_origins":["https://app.example.com"],"allowed_methods":["PUT","GET"],"allowed_headers":["content-type","x-ms-*"],"exposed_headers":["x-ms-meta-*"],"max_age_seconds":3000}]}"#;
    run(&[seed], |s| blobx::azure::cors::parse_json(s).map(|_| ()));
}

#[test]
fn acls_never_panic_and_round_trip() {
    let seeds = [
        "user::rwx,group::r-x,other::---,default:user:4f2c8a10-0b1e-4c7a-9d55-1f0e2b3c4d5e:r-x,mask::r-x",
        "user:someone@contoso.com,default:group:4f2c8a10-0b1e-4c7a-9d55-1f0e2b3c4d5e",
        "rwxr-x--T+",
    ];
    run(&seeds, |s| {
        fuzz_checks::acl(s);
        Ok(())
    });
}

#[test]
fn cors_origins_headers_and_properties_xml_never_panic() {
    use blobx::azure::cors::{check_header, check_origin, parse_cors, parse_max_age};
    run(
        &["https://app.example.com:8443", "*", "http://localhost:3000"],
        check_origin,
    );
    run(&["x-ms-meta-*", "content-type"], check_header);
    run(&["3000", "0", "-1"], |s| parse_max_age(s).map(|_| ()));
    let xml = "<StorageServiceProperties><Cors><CorsRule><AllowedOrigins>*</AllowedOrigins><AllowedMethods>GET</AllowedMethods><AllowedHeaders>*</AllowedHeaders><ExposedHeaders>*</ExposedHeaders><MaxAgeInSeconds>5</MaxAgeInSeconds></CorsRule></Cors></StorageServiceProperties>";
    run(&[xml], |s| parse_cors(s).map(|_| ()));
}

/// The cargo-fuzz targets' properties (`tests/fuzz/checks.rs`), replayed on
/// their seeds and on every crash input kept in `tests/fuzz/regressions/`.
#[path = "fuzz/checks.rs"]
mod fuzz_checks;

#[test]
fn cargo_fuzz_seeds_and_regressions_replay() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz");
    let mut replayed = 0;
    for kind in ["seeds", "regressions"] {
        let Ok(targets) = std::fs::read_dir(root.join(kind)) else {
            continue;
        };
        // One folder per target; loose files (the README) are not inputs.
        for target in targets.flatten().filter(|e| e.path().is_dir()) {
            let name = target.file_name().to_string_lossy().into_owned();
            for input in std::fs::read_dir(target.path()).unwrap().flatten() {
                let bytes = std::fs::read(input.path()).unwrap();
                eprintln!("replaying {}", input.path().display());
                fuzz_checks::by_name(&name, &bytes);
                replayed += 1;
            }
        }
    }
    assert!(replayed >= 4, "the seeds were found ({replayed} inputs)");
}
