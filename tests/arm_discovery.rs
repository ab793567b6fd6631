//! Entra ID discovery through Azure Resource Manager, against a local stub
//! serving the documented shapes (ARM has no emulator).

mod support;

use blobx::app::action::Action;
use blobx::app::effect::Effect;
use blobx::app::state::{AccountNode, Location, State};
use blobx::azure::entra::Arm;
use blobx::azure::{Auth, Source};
use std::sync::Arc;
use support::arm_stub::{ArmStub, StubCredential, TOKEN};

#[tokio::test]
async fn discovers_accounts_across_subscriptions_and_pages() {
    let stub = ArmStub::start(false).await;
    let arm = Arm::new(&stub.endpoint, Arc::new(StubCredential(TOKEN))).unwrap();
    let (found, subscriptions) = arm.discover().await.unwrap();
    assert_eq!(subscriptions, 2, "the disabled subscription is skipped");
    let names: Vec<_> = found.iter().map(|a| a.name.as_str()).collect();
    // dsfiles has no Blob endpoint (FileStorage) and is left out.
    assert_eq!(names, ["dsdata", "dsarchive", "opslogs"]);
    let ds = &found[0];
    assert_eq!(
        ds.note(),
        "Data Science · StorageV2 · Standard_LRS · westeurope · public access off"
    );
    assert_eq!(found[1].public_access_allowed, Some(true));
    let account = ds.account(Arc::new(StubCredential(TOKEN))).unwrap();
    assert_eq!(
        account.blob_endpoint.as_str(),
        "https://dsdata.blob.core.windows.net/"
    );
    assert!(matches!(account.auth, Auth::Token(_)));
    assert_eq!(account.source, Source::Entra);
    assert_eq!(
        account.arm_id.as_deref(),
        Some(
            "/subscriptions/sub-a/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/dsdata"
        ),
        "the resource id is kept for the Resource Manager settings"
    );
}

#[tokio::test]
async fn a_wrong_token_and_a_missing_role_are_explained() {
    let stub = ArmStub::start(false).await;
    let arm = Arm::new(&stub.endpoint, Arc::new(StubCredential("wrong"))).unwrap();
    let err = arm.discover().await.unwrap_err();
    assert!(err.contains("401") && err.contains("az login"), "{err}");

    let stub = ArmStub::start(true).await;
    let arm = Arm::new(&stub.endpoint, Arc::new(StubCredential(TOKEN))).unwrap();
    let err = arm.discover().await.unwrap_err();
    assert!(err.contains("403") && err.contains("Reader"), "{err}");
}

#[test]
fn tokens_never_travel_over_plain_http_off_this_machine() {
    let err = Arm::new(
        "http://management.example.com",
        Arc::new(StubCredential(TOKEN)),
    )
    .err()
    .unwrap();
    assert!(err.contains("https"), "{err}");
}

#[tokio::test]
async fn discovered_accounts_join_the_tree() {
    let stub = ArmStub::start(false).await;
    let credential = Arc::new(StubCredential(TOKEN));
    let arm = Arm::new(&stub.endpoint, credential.clone()).unwrap();
    let (found, subs) = arm.discover().await.unwrap();
    let accounts = found
        .iter()
        .map(|d| d.account(credential.clone()).unwrap())
        .collect();

    let emulator = blobx::azure::Account::emulator("http://127.0.0.1:10000").unwrap();
    let mut state = State::new(vec![
        AccountNode::new(emulator),
        AccountNode::entra_discovery(),
    ]);
    state.start(None, Some(0));
    state.update(Action::Command(blobx::app::Command::Back));
    assert_eq!(state.location, Location::Accounts);
    // Opening the Entra node asks for discovery instead of listing containers.
    state.update(Action::Command(blobx::app::Command::Down));
    let fx = state.update(Action::Command(blobx::app::Command::Open));
    assert_eq!(fx, vec![Effect::Discover]);
    let fx = state.update(Action::Discovered {
        result: Ok((accounts, subs)),
    });
    assert_eq!(fx.len(), 3, "a client for each discovered account");
    let labels: Vec<_> = state
        .account_rows
        .iter()
        .map(|&i| state.accounts[i].label().to_string())
        .collect();
    assert_eq!(
        labels,
        [
            "devstoreaccount1 (emulator)",
            "Microsoft Entra ID",
            "dsdata",
            "dsarchive",
            "opslogs"
        ]
    );
    let entra = state.accounts.iter().find(|n| n.discovery).unwrap();
    assert!(
        entra
            .status()
            .1
            .contains("3 storage accounts in 2 subscriptions")
    );
}
