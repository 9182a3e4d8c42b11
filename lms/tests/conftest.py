"""A local S3 endpoint for the tests: moto's server on 127.0.0.1, answering boto3 at the protocol level."""

import secrets

import boto3
import pytest
from moto.server import ThreadedMotoServer

from lms.settings.object_storage import s3_storages

# moto checks no credentials; boto3 needs some, and must never look for an instance's role.
S3_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "ce-tests",
    "AWS_SECRET_ACCESS_KEY": "ce-tests",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture(scope="session")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_bucket(s3_endpoint, monkeypatch):
    """An empty bucket of the test's own on the local endpoint, and a client to look into it."""
    for name, value in S3_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    name = f"ce-{secrets.token_hex(6)}"
    client.create_bucket(Bucket=name)
    return client, name


@pytest.fixture
def object_storage(s3_bucket, s3_endpoint, settings):
    """The production storages (lms/settings/object_storage.py) on the test's bucket, its media behind a CDN."""
    client, bucket = s3_bucket
    settings.STORAGES = {
        **settings.STORAGES,
        **s3_storages(bucket=bucket, endpoint_url=s3_endpoint, region="us-east-1", media_domain="cdn.example.com"),
    }
    return client, bucket
