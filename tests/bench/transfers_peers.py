#!/usr/bin/env python3
"""The Python SDK side of tests/bench/transfers.sh (azure-storage-blob).

Measured commands (timed by the shell script under /usr/bin/time -v):
  upload    PORT CONTAINER FILE BLOB   upload_blob(max_concurrency=8)
  download  PORT CONTAINER BLOB FILE   download_blob(max_concurrency=8).readinto(file)
  upload-dir PORT CONTAINER DIR PREFIX  every file of DIR with upload_blob, 8 at a time

Helpers (not timed):
  create    PORT CONTAINER             create the container
  delete    PORT CONTAINER             delete it (frees Azurite's memory)
  sas       PORT CONTAINER             print a container URL with a read/write/list SAS (for azcopy)
  seed      PORT CONTAINER FILE BLOB   one Put Blob of FILE with its Content-MD5 set
  copy      PORT SRC_CONTAINER BLOB DST_CONTAINER   server-side copy (Azurite shares the data)
  verify-blob PORT CONTAINER BLOB SIZE SHA256   size and streamed sha256 of one blob
  verify-count PORT CONTAINER PREFIX COUNT SIZE every blob under PREFIX has SIZE bytes, COUNT of them
"""

import datetime
import hashlib
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from azure.storage.blob import (
    BlobServiceClient,
    ContainerSasPermissions,
    ContentSettings,
    generate_container_sas,
)

ACCOUNT = "devstoreaccount1"
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
CONCURRENCY = 8


def endpoint(port):
    return f"http://127.0.0.1:{port}/{ACCOUNT}"


def service(port, **kwargs):
    conn = (
        "DefaultEndpointsProtocol=http;"
        f"AccountName={ACCOUNT};AccountKey={KEY};"
        f"BlobEndpoint={endpoint(port)};"
    )
    return BlobServiceClient.from_connection_string(conn, **kwargs)


def container(port, name, **kwargs):
    return service(port, **kwargs).get_container_client(name)


def cmd_create(port, name):
    container(port, name).create_container()


def cmd_delete(port, name):
    container(port, name).delete_container()


def cmd_sas(port, name):
    sas = generate_container_sas(
        account_name=ACCOUNT,
        container_name=name,
        account_key=KEY,
        permission=ContainerSasPermissions(
            read=True, write=True, create=True, add=True, list=True, delete=True
        ),
        expiry=datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=2),
        protocol="https,http",
    )
    print(f"{endpoint(port)}/{name}?{sas}")


def cmd_seed(port, name, path, blob):
    with open(path, "rb") as f:
        data = f.read()
    md5 = hashlib.md5(data).digest()
    container(port, name, max_single_put_size=len(data) + 1).upload_blob(
        blob,
        data,
        overwrite=True,
        content_settings=ContentSettings(
            content_type="application/octet-stream", content_md5=bytearray(md5)
        ),
    )


def cmd_copy(port, src, blob, dst):
    source = container(port, src).get_blob_client(blob)
    sas = generate_container_sas(
        account_name=ACCOUNT,
        container_name=src,
        account_key=KEY,
        permission=ContainerSasPermissions(read=True),
        expiry=datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1),
    )
    target = container(port, dst).get_blob_client(blob)
    r = target.start_copy_from_url(f"{source.url}?{sas}")
    status = r.get("copy_status")
    while status == "pending":
        time.sleep(0.2)
        status = target.get_blob_properties().copy.status
    if status != "success":
        sys.exit(f"copy of {blob} from {src} to {dst}: {status}")


def cmd_upload(port, name, path, blob):
    with open(path, "rb") as f:
        container(port, name).upload_blob(
            blob, f, overwrite=True, max_concurrency=CONCURRENCY
        )


def cmd_download(port, name, blob, path):
    with open(path, "wb") as f:
        container(port, name).download_blob(blob, max_concurrency=CONCURRENCY).readinto(f)


def cmd_upload_dir(port, name, root, prefix):
    c = container(port, name)
    files = []
    for dirpath, _, names in os.walk(root):
        for n in names:
            full = os.path.join(dirpath, n)
            rel = os.path.relpath(full, root).replace(os.sep, "/")
            files.append((full, f"{prefix}{rel}"))

    def one(item):
        full, blob = item
        with open(full, "rb") as f:
            c.upload_blob(blob, f, overwrite=True, max_concurrency=1)

    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        for _ in pool.map(one, files):
            pass


def cmd_verify_blob(port, name, blob, size, sha):
    b = container(port, name).get_blob_client(blob)
    props = b.get_blob_properties()
    if props.size != int(size):
        sys.exit(f"{blob}: {props.size} bytes, expected {size}")
    h = hashlib.sha256()
    for chunk in b.download_blob(max_concurrency=4).chunks():
        h.update(chunk)
    if h.hexdigest() != sha:
        sys.exit(f"{blob}: sha256 {h.hexdigest()}, expected {sha}")
    md5 = props.content_settings.content_md5
    print(f"ok size={props.size} sha256 match content_md5={'set' if md5 else 'none'}")


def cmd_verify_count(port, name, prefix, count, size):
    n = 0
    wrong = []
    for b in container(port, name).list_blobs(name_starts_with=prefix or None):
        n += 1
        if b.size != int(size):
            wrong.append(f"{b.name}={b.size}")
    if n != int(count) or wrong:
        sys.exit(f"{n} blobs (expected {count}); wrong sizes: {wrong[:5]}")
    print(f"ok {n} blobs of {size} bytes")


COMMANDS = {
    "create": cmd_create,
    "delete": cmd_delete,
    "sas": cmd_sas,
    "seed": cmd_seed,
    "copy": cmd_copy,
    "upload": cmd_upload,
    "download": cmd_download,
    "upload-dir": cmd_upload_dir,
    "verify-blob": cmd_verify_blob,
    "verify-count": cmd_verify_count,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](*sys.argv[2:])
