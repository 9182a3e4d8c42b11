"""Media, certificate PDFs and proofs on S3-compatible object storage (django-storages), for production.

One bucket holds both kinds of file, media under `media/` and private files under `private/`, unless
the private files have a bucket of their own. Media (the images of public pages, documents) are
addressed without a signature, at the CDN's domain when there is one: the bucket's policy, or the
CDN's access to its origin, must let anyone read `media/` and nothing else. Private files are never
public: their objects are written without any grant, the app streams them to whoever its views let
see them, and any address made for one is signed and lasts `private_url_seconds`.
"""

S3_BACKEND = "storages.backends.s3.S3Storage"


def s3_storages(
    *,
    bucket: str,
    private_bucket: str = "",
    endpoint_url: str = "",
    region: str = "",
    media_domain: str = "",
    private_url_seconds: int = 300,
) -> dict:
    """STORAGES' "default" and "private" entries. Credentials come from boto3's own chain (AWS_ACCESS_KEY_ID
    and AWS_SECRET_ACCESS_KEY, or the instance's role), never from this project's settings."""
    shared = {
        "endpoint_url": endpoint_url or None,
        "region_name": region or None,
        "signature_version": "s3v4",
        # Two uploads of "handout.pdf" keep two files, as on a disk: Wagtail's images and documents
        # count on it, and a certificate's PDF must never replace another's.
        "file_overwrite": False,
        # No ACL on any object: buckets made today refuse them, and a private file must not carry one.
        "default_acl": None,
    }
    return {
        "default": {
            "BACKEND": S3_BACKEND,
            "OPTIONS": {
                **shared,
                "bucket_name": bucket,
                "location": "media",
                "querystring_auth": False,
                "custom_domain": media_domain or None,
            },
        },
        "private": {
            "BACKEND": S3_BACKEND,
            "OPTIONS": {
                **shared,
                "bucket_name": private_bucket or bucket,
                "location": "private",
                "querystring_auth": True,
                "querystring_expire": private_url_seconds,
                "custom_domain": None,  # a CDN's address would be public, and could not carry the signature
            },
        },
    }
