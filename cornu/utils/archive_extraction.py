"""Extracts tar (plain, gzip, bzip2, xz) and zip archives into a folder, refusing unsafe members.

Used by `get_file(..., extract=True)`. The archive is unpacked into a temporary sibling folder
and renamed into place at the end, so an interrupted extraction never leaves a half-filled
folder under the final name (a later call would otherwise take it for a finished one).
"""

import os
import shutil
import tarfile
import tempfile
import zipfile

ARCHIVE_FORMATS = ("tar", "zip")


def canonicalize_archive_format(archive_format):
    """Returns the tuple of formats to try: "auto" is ("tar", "zip"); None or [] is ()."""
    if archive_format is None:
        return ()
    if archive_format == "auto":
        return ARCHIVE_FORMATS
    formats = (archive_format,) if isinstance(archive_format, str) else tuple(archive_format)
    unknown = [f for f in formats if f not in ARCHIVE_FORMATS]
    if unknown:
        raise ValueError(
            f"Unknown archive_format {archive_format!r}: expected 'auto', 'tar', 'zip', a list "
            f"of those, or None (no extraction)."
        )
    return formats


def detect_archive_format(path, formats):
    """The first of `formats` that `path` is, or None."""
    checks = {"tar": tarfile.is_tarfile, "zip": zipfile.is_zipfile}
    for name in formats:
        if checks[name](path):
            return name
    return None


def extract_archive(path, folder, archive_format="auto"):
    """Unpacks the archive at `path` into `folder` (replaced if it exists).

    Args:
        path: the archive file.
        folder: where its members go; created, or replaced as a whole.
        archive_format: "auto", "tar", "zip", a list of those, or None.

    Returns:
        True if `path` was one of the formats and was extracted, else False.
    """
    kind = detect_archive_format(path, canonicalize_archive_format(archive_format))
    if kind is None:
        return False
    parent = os.path.dirname(os.path.abspath(folder))
    staging = tempfile.mkdtemp(prefix=".extracting-", dir=parent)
    try:
        _UNPACKERS[kind](path, staging)
        _replace_folder(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return True


def _replace_folder(source, target):
    if os.path.isdir(target) and not os.path.islink(target):
        shutil.rmtree(target)
    elif os.path.lexists(target):
        os.remove(target)
    os.replace(source, target)


def _unpack_tar(path, folder):
    with tarfile.open(path) as archive:
        if hasattr(tarfile, "data_filter"):
            # Python's "data" filter refuses absolute paths, `..`, links leaving the folder and
            # device files (PEP 706; Python >= 3.11.4).
            try:
                archive.extractall(folder, filter="data")
            except tarfile.FilterError as error:
                raise _unsafe_member(path, folder, error) from error
            return
        for member in archive.getmembers():
            _check_inside(folder, member.name, path)
            if member.issym() or member.islnk():
                _check_inside(
                    folder, os.path.join(os.path.dirname(member.name), member.linkname), path
                )
        archive.extractall(folder)


def _unpack_zip(path, folder):
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            _check_inside(folder, name, path)
        archive.extractall(folder)


def _check_inside(folder, member, archive_path):
    root = os.path.realpath(folder)
    target = os.path.realpath(os.path.join(folder, member))
    if os.path.commonpath([root, target]) != root:
        raise _unsafe_member(archive_path, folder, f"member {member!r} points outside")


def _unsafe_member(archive_path, folder, reason):
    return ValueError(
        f"Refusing to extract {archive_path!r}: a member would land outside the extraction "
        f"folder or is not a plain file ({reason}). Extract it by hand if you trust it."
    )


_UNPACKERS = {"tar": _unpack_tar, "zip": _unpack_zip}
