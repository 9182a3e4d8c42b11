import pytest

from certificates.keys import signing_key_create


@pytest.fixture
def signing_key_file(home_page, tmp_path, settings):
    """A published Ed25519 key that the site signs with, its private half in a file as in production."""
    path = tmp_path / "signing-key.pem"
    signing_key_create(path=path)
    settings.CERTIFICATE_SIGNING_KEY_FILE = str(path)
    return path
