//! The Resource Manager settings of an Entra ID account against a local
//! stand-in serving the documented shapes (Blob Services - Get/Set Service
//! Properties, Storage Accounts - Get Properties/Update): read, changed with
//! only the changed keys written (CORS and the rest of the blob service kept),
//! refused when someone changed them since, and the network rules explained.

mod support;

use blobx::azure::arm_settings::{ArmSaved, get, save};
use blobx::azure::entra::Arm;
use serde_json::json;
use std::sync::{Arc, Mutex};
use support::arm_docs::{self, Docs};
use support::arm_stub::{StubCredential, TOKEN};

const ID: &str =
    "/subscriptions/sub-a/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct";

fn documented() -> Docs {
    let mut docs = Docs::default();
    docs.docs.insert(
        format!("{ID}/blobServices/default"),
        json!({
            "id": format!("{ID}/blobServices/default"), "name": "default",
            "type": "Microsoft.Storage/storageAccounts/blobServices",
            "properties": {
                "cors": {"corsRules": [{"allowedOrigins": ["https://a.example"], "allowedMethods": ["GET"], "maxAgeInSeconds": 5, "exposedHeaders": [], "allowedHeaders": []}]},
                "deleteRetentionPolicy": {"allowPermanentDelete": false, "enabled": true, "days": 14},
                "isVersioningEnabled": false,
                "changeFeed": {"enabled": false},
                "containerDeleteRetentionPolicy": {"enabled": false},
                "lastAccessTimeTrackingPolicy": {"enable": false, "name": "AccessTimeTracking", "trackingGranularityInDays": 1, "blobType": ["blockBlob"]}
            }
        }),
    );
    docs.docs.insert(
        ID.to_string(),
        json!({
            "id": ID, "name": "acct", "kind": "StorageV2",
            "properties": {
                "allowBlobPublicAccess": false, "allowSharedKeyAccess": true, "minimumTlsVersion": "TLS1_2",
                "networkAcls": {"bypass": "AzureServices", "defaultAction": "Deny",
                    "ipRules": [{"value": "203.0.113.7", "action": "Allow"}],
                    "virtualNetworkRules": [{"id": "/subscriptions/sub-a/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/app", "action": "Allow", "state": "Succeeded"}]},
                "privateEndpointConnections": [{"name": "pe-1", "properties": {"privateEndpoint": {"id": "/x/pe-1"}, "privateLinkServiceConnectionState": {"status": "Approved"}}}]
            }
        }),
    );
    docs
}

#[tokio::test]
async fn resource_manager_settings_round_trip_keeping_the_rest() {
    let docs = Arc::new(Mutex::new(documented()));
    let base = arm_docs::serve(docs.clone()).await;
    let arm = Arm::new(&base, Arc::new(StubCredential(TOKEN))).unwrap();

    let (before, _, _) = get(&arm, ID).await.unwrap();
    assert!(!before.versioning);
    assert_eq!(before.blob_soft_delete_days, Some(14));
    assert_eq!(before.minimum_tls_version.as_deref(), Some("TLS1_2"));
    assert_eq!(before.network.ip_rules, ["203.0.113.7"]);
    let meaning = before.network.meaning().join(" ");
    assert!(meaning.contains("Default action Deny"), "{meaning}");
    assert!(meaning.contains("203.0.113.7"), "{meaning}");
    assert!(meaning.contains("pe-1"), "{meaning}");

    // Versioning, change feed, restore, container soft delete; shared key off.
    let mut after = before.clone();
    after.versioning = true;
    after.change_feed = true;
    after.restore_days = Some(7);
    after.container_soft_delete_days = Some(30);
    after.allow_shared_key_access = Some(false);
    let saved = save(&arm, ID, &after, &before).await.unwrap();
    assert_eq!(
        saved,
        ArmSaved::Saved {
            previous: before.clone()
        }
    );
    let (now, service, account) = get(&arm, ID).await.unwrap();
    assert_eq!(now, after);
    // Nothing else moved: CORS, blob soft delete, TLS, network rules.
    let original = documented();
    let (o_service, o_account) = (
        &original.docs[&format!("{ID}/blobServices/default")],
        &original.docs[ID],
    );
    assert_eq!(
        service["properties"]["cors"],
        o_service["properties"]["cors"]
    );
    assert_eq!(
        service["properties"]["deleteRetentionPolicy"],
        o_service["properties"]["deleteRetentionPolicy"]
    );
    assert_eq!(
        account["properties"]["networkAcls"],
        o_account["properties"]["networkAcls"]
    );
    {
        let d = docs.lock().unwrap();
        let patch = &d.writes.iter().find(|(m, _, _)| m == "PATCH").unwrap().2;
        assert_eq!(
            patch,
            &json!({"properties": {"allowSharedKeyAccess": false}}),
            "only the changed key"
        );
    }

    // Someone changed them since `before` was read: nothing is written.
    let writes = docs.lock().unwrap().writes.len();
    let outcome = save(&arm, ID, &before, &before).await.unwrap();
    assert!(matches!(outcome, ArmSaved::Changed { .. }), "{outcome:?}");
    assert_eq!(docs.lock().unwrap().writes.len(), writes);

    // Refused before any request: restore longer than blob soft delete.
    let mut bad = after.clone();
    bad.restore_days = Some(20);
    assert!(
        save(&arm, ID, &bad, &after)
            .await
            .unwrap_err()
            .contains("blob soft delete")
    );

    // Blob soft delete is the data plane's: the pane may have changed it
    // there just before; a stale value in `expected` is not a conflict.
    let mut stale = after.clone();
    stale.blob_soft_delete_days = Some(3);
    assert_eq!(
        save(&arm, ID, &after, &stale).await.unwrap(),
        ArmSaved::Unchanged
    );

    // Undo: back to what it was.
    let undone = save(&arm, ID, &before, &after).await.unwrap();
    assert!(matches!(undone, ArmSaved::Saved { .. }));
    assert_eq!(get(&arm, ID).await.unwrap().0, before);
    assert_eq!(
        save(&arm, ID, &before, &before).await.unwrap(),
        ArmSaved::Unchanged
    );
}

#[test]
fn only_accounts_found_through_entra_have_resource_manager_settings() {
    let emulator = blobx::azure::Account::emulator("http://127.0.0.1:10000").unwrap();
    let err = Arm::for_account("http://127.0.0.1:1", &emulator)
        .err()
        .unwrap();
    assert!(err.contains("Entra ID"), "{err}");
}
