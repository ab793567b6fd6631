//! Every way to attach storage, browsed against a real Azurite: connection
//! strings, name + key, SAS URLs (account and container level), environment
//! variables; and the messages for a wrong key and an expired SAS.

mod support;

use blobx::azure::account::{EMULATOR_ACCOUNT, EMULATOR_KEY};
use blobx::azure::connection::{
    now_unix, parse_connection_string, parse_name_and_key, parse_sas_url,
};
use blobx::azure::sas::{SasTarget, account_sas, service_sas};
use blobx::azure::secret::Secret;
use blobx::azure::{Account, Source, StorageClient, describe_error};
use blobx::config::Config;
use support::emulator::Emulator;
use support::seed::{BlobSpec, client, fill};
use support::unique;

async fn seeded() -> (&'static Emulator, String) {
    let emu = Emulator::shared();
    let name = unique("acct");
    fill(
        &client(&emu.host),
        &name,
        vec![
            BlobSpec::new("dir/a.csv", "a,b\n"),
            BlobSpec::new("top.txt", "hi"),
        ],
    )
    .await
    .unwrap();
    (emu, name)
}

/// Lists `container`'s root through the account and returns the names.
async fn browse(account: Account, container: &str) -> Result<Vec<String>, String> {
    let c = StorageClient::new(account.clone()).map_err(|e| e.to_string())?;
    let page = c
        .list_blobs_page(container, "", Some("/"), None, 5000)
        .await
        .map_err(|e| describe_error(&e, &account))?;
    Ok(page.entries.into_iter().map(|e| e.name).collect())
}

fn attached(parsed: blobx::azure::connection::ParsedAccount) -> Account {
    Account::from_parsed("t", "", Source::Attached, parsed)
}

fn key() -> Secret {
    Secret::new(EMULATOR_KEY)
}

fn in_an_hour() -> i64 {
    now_unix() + 3600
}

#[tokio::test]
async fn connection_string_with_key() {
    let (emu, c) = seeded().await;
    let cs = format!(
        "DefaultEndpointsProtocol=http;AccountName={EMULATOR_ACCOUNT};AccountKey={EMULATOR_KEY};BlobEndpoint={}/{EMULATOR_ACCOUNT};",
        emu.host
    );
    let names = browse(
        attached(parse_connection_string(&cs, now_unix()).unwrap()),
        &c,
    )
    .await
    .unwrap();
    assert_eq!(names, ["dir/", "top.txt"]);
}

#[tokio::test]
async fn connection_string_with_account_sas() {
    let (emu, c) = seeded().await;
    let sas = account_sas(EMULATOR_ACCOUNT, &key(), "rl", in_an_hour()).unwrap();
    let cs = format!(
        "BlobEndpoint={}/{EMULATOR_ACCOUNT};SharedAccessSignature={}",
        emu.host,
        sas.expose()
    );
    let account = attached(parse_connection_string(&cs, now_unix()).unwrap());
    assert_eq!(account.sas().unwrap().permissions, "rl");
    // An account SAS lists containers too.
    let client = StorageClient::new(account.clone()).unwrap();
    let mut pages = std::pin::pin!(client.list_containers(Some(c.clone())));
    let page = futures::StreamExt::next(&mut pages).await.unwrap().unwrap();
    assert_eq!(page.containers[0].name, c);
    assert_eq!(browse(account, &c).await.unwrap(), ["dir/", "top.txt"]);
}

#[tokio::test]
async fn name_and_key_with_an_endpoint() {
    let (emu, c) = seeded().await;
    let endpoint = format!("{}/{EMULATOR_ACCOUNT}", emu.host);
    let parsed = parse_name_and_key(EMULATOR_ACCOUNT, EMULATOR_KEY, Some(&endpoint)).unwrap();
    assert_eq!(
        browse(attached(parsed), &c).await.unwrap(),
        ["dir/", "top.txt"]
    );
}

#[tokio::test]
async fn container_sas_url_reaches_just_that_container() {
    let (emu, c) = seeded().await;
    let token = service_sas(
        EMULATOR_ACCOUNT,
        &key(),
        &SasTarget::Container(c.clone()),
        "rl",
        None,
        in_an_hour(),
    )
    .unwrap();
    let url = format!("{}/{EMULATOR_ACCOUNT}/{c}?{}", emu.host, token.expose());
    let account = attached(parse_sas_url(&url, now_unix()).unwrap());
    assert_eq!(account.container.as_deref(), Some(c.as_str()));
    assert!(account.note.as_deref().unwrap().contains("permissions rl"));
    assert!(
        !account.blob_endpoint.as_str().contains("sig="),
        "no secret in the endpoint"
    );
    assert_eq!(
        browse(account.clone(), &c).await.unwrap(),
        ["dir/", "top.txt"]
    );
    // Details need read, which this SAS has.
    let client = StorageClient::new(account.clone()).unwrap();
    assert!(client.blob_details(&c, "top.txt").await.is_ok());
    // Another container is out of its reach, and the service says so.
    let err = browse(account, "other-container").await.unwrap_err();
    assert!(err.contains("403"), "{err}");
}

#[tokio::test]
async fn environment_connection_string_is_an_account() {
    let (emu, c) = seeded().await;
    let cs = format!(
        "AccountName={EMULATOR_ACCOUNT};AccountKey={EMULATOR_KEY};BlobEndpoint={}/{EMULATOR_ACCOUNT}",
        emu.host
    );
    let config = Config::load(None);
    let env = move |k: &str| (k == "AZURE_STORAGE_CONNECTION_STRING").then(|| cs.clone());
    let (nodes, warnings) =
        blobx::config::account_list::gather_accounts(&config, Some(&emu.host), None, env).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        nodes.len(),
        3,
        "emulator, Entra ID discovery and environment"
    );
    let default = blobx::config::account_list::default_account(&nodes, None)
        .unwrap()
        .unwrap();
    assert_eq!(
        nodes[default].account.source,
        Source::Environment,
        "the environment's account is the default"
    );
    assert_eq!(
        browse(nodes[default].account.clone(), &c).await.unwrap(),
        ["dir/", "top.txt"]
    );
}

#[tokio::test]
async fn wrong_key_in_a_connection_string_is_a_signature_mismatch() {
    let (emu, c) = seeded().await;
    let wrong = "A".repeat(86) + "==";
    let cs = format!(
        "AccountName={EMULATOR_ACCOUNT};AccountKey={wrong};BlobEndpoint={}/{EMULATOR_ACCOUNT}",
        emu.host
    );
    let err = browse(
        attached(parse_connection_string(&cs, now_unix()).unwrap()),
        &c,
    )
    .await
    .unwrap_err();
    assert!(err.contains("signature mismatch"), "{err}");
}

#[tokio::test]
async fn an_expired_sas_is_refused_when_attached_and_explained_when_used() {
    let (emu, c) = seeded().await;
    let past = now_unix() - 3600;
    let token = service_sas(
        EMULATOR_ACCOUNT,
        &key(),
        &SasTarget::Container(c.clone()),
        "rl",
        None,
        past,
    )
    .unwrap();
    let url = format!("{}/{EMULATOR_ACCOUNT}/{c}?{}", emu.host, token.expose());
    // The attach form refuses it with the date.
    let err = parse_sas_url(&url, now_unix()).unwrap_err();
    assert!(err.contains("expired on"), "{err}");
    // An account saved earlier whose SAS has since expired: the service refuses, we say why.
    let account = attached(parse_sas_url(&url, 0).unwrap());
    let err = browse(account, &c).await.unwrap_err();
    assert!(err.contains("The SAS expired on"), "{err}");
}
