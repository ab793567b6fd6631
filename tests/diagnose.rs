//! The diagnosis on an account node names the cause of each failure: the
//! emulator down, a wrong key, an expired SAS, a clock far off, and each
//! refusal a firewall, a role or a policy makes the service answer (injected
//! by the fault proxy with the service's documented codes and messages).

mod support;

use blobx::azure::account::{EMULATOR_ACCOUNT, EMULATOR_KEY};
use blobx::azure::connection::{now_unix, parse_connection_string, parse_sas_url};
use blobx::azure::diagnose::{Diagnosis, Verdict, diagnose_with};
use blobx::azure::sas::{SasTarget, service_sas};
use blobx::azure::secret::Secret;
use blobx::azure::{Account, Source, StorageClient};
use support::emulator::Emulator;
use support::fault_proxy::{FaultProxy, Refusal};

fn no_env(_: &str) -> Option<String> {
    None
}

async fn diagnose(account: Account) -> Diagnosis {
    let client = StorageClient::new(account).unwrap();
    diagnose_with(&client, &no_env).await
}

fn cause(d: &Diagnosis) -> String {
    d.cause
        .clone()
        .unwrap_or_else(|| panic!("no cause: {:#?}", d.lines()))
}

fn with_key(host: &str, key: &str) -> Account {
    let cs = format!(
        "DefaultEndpointsProtocol=http;AccountName={EMULATOR_ACCOUNT};AccountKey={key};BlobEndpoint={host}/{EMULATOR_ACCOUNT};"
    );
    Account::from_parsed(
        "t",
        "t",
        Source::Attached,
        parse_connection_string(&cs, now_unix()).unwrap(),
    )
}

#[tokio::test]
async fn a_working_account_passes_every_check() {
    let emu = Emulator::shared();
    let d = diagnose(Account::emulator(&emu.host).unwrap()).await;
    assert!(d.ok(), "{:#?}", d.lines());
    let steps: Vec<&str> = d.checks.iter().map(|c| c.step).collect();
    assert_eq!(steps, ["proxy", "dns", "connect", "tls", "service"]);
    assert!(d.checks.iter().all(|c| c.verdict == Verdict::Ok));
}

#[tokio::test]
async fn the_emulator_down_is_named_with_how_to_start_it() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let d = diagnose(Account::emulator(&format!("http://127.0.0.1:{port}")).unwrap()).await;
    let c = cause(&d);
    assert!(c.starts_with("Nothing is listening"), "{c}");
    assert!(c.contains("azurite-blob"), "{c}");
    assert_eq!(d.checks.last().unwrap().step, "connect");
}

#[tokio::test]
async fn a_wrong_key_is_named() {
    let emu = Emulator::shared();
    let mut wrong = EMULATOR_KEY.as_bytes().to_vec();
    wrong[0] = if wrong[0] == b'A' { b'B' } else { b'A' };
    let d = diagnose(with_key(&emu.host, std::str::from_utf8(&wrong).unwrap())).await;
    let c = cause(&d);
    assert!(c.contains("account key was refused"), "{c}");
}

#[tokio::test]
async fn an_expired_sas_is_named() {
    let emu = Emulator::shared();
    let token = service_sas(
        EMULATOR_ACCOUNT,
        &Secret::new(EMULATOR_KEY),
        &SasTarget::Container("c".into()),
        "rl",
        None,
        now_unix() - 3600,
    )
    .unwrap();
    let url = format!("{}/{EMULATOR_ACCOUNT}/c?{}", emu.host, token.expose());
    let account = Account::from_parsed("s", "s", Source::Attached, parse_sas_url(&url, 0).unwrap());
    let c = cause(&diagnose(account).await);
    assert!(c.starts_with("The SAS expired on"), "{c}");
}

#[tokio::test]
async fn each_refusal_code_has_its_cause_and_fix() {
    let cases: &[(u16, &str, &str, &str)] = &[
        (
            403,
            "AuthorizationFailure",
            "This request is not authorized to perform this operation.",
            "network rules",
        ),
        (
            403,
            "AuthorizationPermissionMismatch",
            "This request is not authorized to perform this operation using this permission.",
            "lacks the permission",
        ),
        (
            403,
            "KeyBasedAuthenticationNotPermitted",
            "Key based authentication is not permitted on this storage account.",
            "Shared key access is turned off",
        ),
        (
            403,
            "AuthenticationFailed",
            "Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.",
            "account key was refused",
        ),
        (
            401,
            "InvalidAuthenticationInfo",
            "Lifetime validation failed. The token is expired.",
            "token expired",
        ),
        (
            400,
            "InvalidHeaderValue",
            "The API version 2026-02-06 is not supported by Azurite. Please upgrade Azurite to latest version and retry.",
            "skipApiVersionCheck",
        ),
    ];
    for (status, code, message, expect) in cases {
        let proxy = FaultProxy::answering(Refusal::new(*status, code, message)).await;
        let d = diagnose(Account::emulator(&proxy.host).unwrap()).await;
        let c = cause(&d);
        assert!(c.contains(expect), "{code}: {c}");
        // The service's own words stay with the cause.
        assert!(c.contains(message), "{code}: {c}");
    }
}

#[tokio::test]
async fn a_clock_far_off_is_named_before_the_key() {
    let off = time::OffsetDateTime::now_utc() - time::Duration::hours(2);
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let refusal = Refusal {
        date: Some(off.format(&format).unwrap()),
        ..Refusal::new(
            403,
            "AuthenticationFailed",
            "Server failed to authenticate the request. Request date header too old.",
        )
    };
    let proxy = FaultProxy::answering(refusal).await;
    let d = diagnose(Account::emulator(&proxy.host).unwrap()).await;
    let c = cause(&d);
    assert!(c.contains("minutes ahead of the service's"), "{c}");
    assert!(c.contains("clock"), "{c}");
}
