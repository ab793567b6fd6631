#!/usr/bin/env python3
"""Python SDK (azure-storage-blob) side of the listing benchmark.

Run by target/release/examples/bench_listing (see tests/bench/run.sh), never by hand:

  peers.py sas  PORT CONTAINER          print the container URL with a read+list SAS (for azcopy)
  peers.py time PORT CONTAINER RUNS     time the listings RUNS times, print one JSON object

Timings are taken in this process around the SDK calls only (interpreter start
and imports excluded), with time.perf_counter(), like the Rust side.
  a: walk_blobs(name_starts_with="f042/", delimiter="/", results_per_page=5000), first page
  b: walk_blobs(delimiter="/", results_per_page=5000), first page (the container root)
  c: list_blobs(results_per_page=5000), iterated to the end (the whole container, flat)
"""

import datetime
import json
import sys
import time

import azure.storage.blob
from azure.storage.blob import ContainerClient, ContainerSasPermissions, generate_container_sas

ACCOUNT = "devstoreaccount1"
# Azurite's well-known development key (public, documented by Microsoft).
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
PAGE = 5000


def endpoint(port):
    return f"http://127.0.0.1:{port}/{ACCOUNT}"


def container(port, name):
    conn = (
        "DefaultEndpointsProtocol=http;"
        f"AccountName={ACCOUNT};AccountKey={KEY};"
        f"BlobEndpoint={endpoint(port)};"
    )
    return ContainerClient.from_connection_string(conn, name)


def cmd_sas(port, name):
    sas = generate_container_sas(
        account_name=ACCOUNT,
        container_name=name,
        account_key=KEY,
        permission=ContainerSasPermissions(read=True, list=True),
        expiry=datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=2),
        protocol="https,http",
    )
    print(f"{endpoint(port)}/{name}?{sas}")


def first_page(cc, prefix):
    pages = cc.walk_blobs(
        name_starts_with=prefix or None, delimiter="/", results_per_page=PAGE
    ).by_page()
    return sum(1 for _ in next(pages))


def everything(cc):
    return sum(1 for _ in cc.list_blobs(results_per_page=PAGE))


def cmd_time(port, name, runs):
    cc = container(port, name)
    shapes = {
        "a": lambda: first_page(cc, "f042/"),
        "b": lambda: first_page(cc, ""),
        "c": lambda: everything(cc),
    }
    out = {"version": azure.storage.blob.__version__, "secs": {}, "items": {}}
    for key, fn in shapes.items():
        secs = []
        for _ in range(runs):
            started = time.perf_counter()
            items = fn()
            secs.append(time.perf_counter() - started)
        out["secs"][key] = secs
        out["items"][key] = items
        print(f"python {key}: {', '.join(f'{s:.3f}' for s in secs)} s ({items} items)", file=sys.stderr)
    print(json.dumps(out))


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    cmd, port, name = sys.argv[1], sys.argv[2], sys.argv[3]
    if cmd == "sas":
        cmd_sas(port, name)
    elif cmd == "time":
        cmd_time(port, name, int(sys.argv[4]) if len(sys.argv) > 4 else 3)
    else:
        sys.exit(f"unknown command {cmd!r}\n{__doc__}")


if __name__ == "__main__":
    main()
