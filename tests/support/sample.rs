//! The demo's sample data: several containers, nested folders, thousands of
//! blobs, some metadata.
#![allow(dead_code)]

use super::seed::{BlobSpec, fill};
use blobx::azure::StorageClient;

pub async fn seed_demo(client: &StorageClient) -> Result<(), String> {
    // datasets: 12 months × 8 days × 25 parts = 2,400 parquet files plus a few CSVs.
    let mut datasets = Vec::new();
    for month in 1..=12 {
        for day in 1..=8 {
            for part in 0..25 {
                let name = format!("raw/2024/{month:02}/{day:02}/part-{part:05}.parquet");
                let size = 1024 + (month * 131 + day * 17 + part * 7) * 64;
                datasets.push(BlobSpec::new(name, vec![b'P'; size]));
            }
        }
    }
    datasets.push(
        BlobSpec::new(
            "curated/customers.csv",
            "id,name,country\n1,Ada,GB\n2,Grace,US\n",
        )
        .meta("owner", "data-eng")
        .meta("pii", "true"),
    );
    datasets.push(BlobSpec::new(
        "curated/orders.json",
        r#"{"orders": [{"id": 1, "total": 12.5}]}"#,
    ));
    datasets.push(BlobSpec::new(
        "README.md",
        "# datasets\nRaw and curated tables.\n",
    ));
    fill(client, "datasets", datasets).await?;

    // images: two flat-ish folders of 600 each.
    let mut images = Vec::new();
    for i in 0..600 {
        images.push(BlobSpec::new(
            format!("cats/cat-{i:04}.jpg"),
            vec![0xFFu8; 2048 + i],
        ));
        images.push(BlobSpec::new(
            format!("dogs/dog-{i:04}.png"),
            vec![0x89u8; 4096 + i],
        ));
    }
    fill(client, "images", images).await?;

    // logs: deep paths.
    let mut logs = Vec::new();
    for hour in 0..24 {
        for n in 0..10 {
            logs.push(BlobSpec::new(
                format!("app/2026/11/23/{hour:02}/worker-{n}.log"),
                format!("2026-11-23T{hour:02}:00:00Z worker {n} started\n"),
            ));
        }
    }
    fill(client, "logs", logs).await?;

    // ml-models: few blobs, rich metadata.
    let models = vec![
        BlobSpec::new("resnet50/v3/model.onnx", vec![1u8; 300_000])
            .meta("framework", "onnx")
            .meta("accuracy", "0.761")
            .meta("trained_by", "ml-platform"),
        BlobSpec::new("resnet50/v3/labels.txt", "cat\ndog\n"),
        BlobSpec::new("bert-base/v1/model.safetensors", vec![2u8; 500_000])
            .meta("framework", "pytorch"),
    ];
    fill(client, "ml-models", models).await?;
    fill(client, "empty-container", Vec::new()).await?;
    seed_history(client).await?;
    Ok(())
}

/// A blob with a past: `datasets/curated/prices.csv` written three times,
/// with a snapshot after each of the first two (`V` on it shows them).
pub async fn seed_history(client: &StorageClient) -> Result<(), String> {
    let name = "curated/prices.csv";
    let states = [
        "sku,price\nA-1,9.90\nB-2,4.50\n",
        "sku,price\nA-1,10.90\nB-2,4.50\nC-3,2.00\n",
        "sku,price\nA-1,11.50\nB-2,4.75\nC-3,2.10\nD-4,7.00\n",
    ];
    for (i, body) in states.iter().enumerate() {
        client
            .put_blob(
                "datasets",
                name,
                bytes::Bytes::from_static(body.as_bytes()),
                Some("text/csv"),
                Default::default(),
            )
            .await
            .map_err(|e| format!("upload datasets/{name}: {e}"))?;
        if i + 1 < states.len() {
            blobx::azure::history::take_snapshot(client, "datasets", name)
                .await
                .map_err(|e| format!("snapshot of datasets/{name}: {e}"))?;
        }
    }
    Ok(())
}
