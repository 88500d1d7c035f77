"""`get_file` scenarios compared with Keras: {name: [kwargs of each call, in order]}.

Origins are paths on the test's local server; "ABS:x" as cache_subdir means an absolute folder.
The file served under "payload.txt" is PAYLOAD (its hashes are below).
"""

import hashlib

PAYLOAD = b"get_file parity payload\n" * 20
SHA256 = hashlib.sha256(PAYLOAD).hexdigest()
MD5 = hashlib.md5(PAYLOAD).hexdigest()

SCENARIOS = {
    "plain": [{"origin": "payload.txt"}, {"origin": "payload.txt"}],
    "named": [{"fname": "renamed.bin", "origin": "payload.txt"}],
    "subdir": [{"origin": "payload.txt", "cache_subdir": "models"}],
    "absolute_subdir": [{"origin": "payload.txt", "cache_subdir": "ABS:elsewhere"}],
    "hashes": [
        {"origin": "payload.txt", "file_hash": SHA256},
        {"origin": "payload.txt", "file_hash": MD5},
        {"origin": "payload.txt", "md5_hash": MD5},
        {"origin": "payload.txt", "file_hash": MD5, "hash_algorithm": "md5"},
    ],
    "bad_hash": [{"fname": "bad.txt", "origin": "payload.txt", "file_hash": "0" * 64}],
    "force": [{"origin": "payload.txt"}, {"origin": "payload.txt", "force_download": True}],
    "extract_tgz_no_fname": [{"origin": "data.tar.gz", "extract": True}],
    "extract_tgz_plain_name": [
        {"fname": "flowers", "origin": "data.tar.gz", "extract": True},
        {"fname": "flowers", "origin": "data.tar.gz", "extract": True},
    ],
    "extract_tgz_named": [{"fname": "x.tar.gz", "origin": "data.tar.gz", "extract": True}],
    "extract_zip_plain_name": [{"fname": "z", "origin": "data.zip", "extract": True}],
    "extract_zip_dotted": [{"fname": "my.data.zip", "origin": "data.zip", "extract": True}],
    "extract_tar_format": [
        {"fname": "t", "origin": "data.tar.gz", "extract": True, "archive_format": "tar"}
    ],
    "untar": [{"fname": "u", "origin": "data.tar.gz", "untar": True}],
    "path_as_fname": [{"fname": "a/b.txt", "origin": "payload.txt"}],
    "no_origin": [{"fname": "x.txt"}],
}
