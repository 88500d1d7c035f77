"""String hashes that match TensorFlow's, in pure Python: FarmHash Fingerprint64 (the hash
behind `tf.strings.to_hash_bucket_fast`), SipHash-2-4 (`to_hash_bucket_strong`) and the
fingerprint concatenation that `tf.sparse.cross_hashed` uses to combine features.

Written from the public algorithm descriptions: FarmHash by Geoff Pike (Google, 2014, the
`farmhashna` 64-bit family, which Fingerprint64 is) and SipHash by Aumasson & Bernstein
(2012). All arithmetic is on Python ints reduced modulo 2**64.
"""

import numpy as np

_MASK = (1 << 64) - 1
# FarmHash's primes.
_K0 = 0xC3A5C85C97CB3127
_K1 = 0xB492B66FBE98F273
_K2 = 0x9AE16A3B2F90404F
# The multiplier of FingerprintCat64 (TensorFlow's fingerprint combiner).
_CAT_MUL = 0xC6A4A7935BD1E995


def _fetch64(data, i):
    return int.from_bytes(data[i : i + 8], "little")


def _fetch32(data, i):
    return int.from_bytes(data[i : i + 4], "little")


def _rotate(value, shift):
    """64-bit right rotation."""
    return ((value >> shift) | (value << (64 - shift))) & _MASK if shift else value


def _shift_mix(value):
    return value ^ (value >> 47)


def _hash_len16(u, v, mul):
    a = ((u ^ v) * mul) & _MASK
    a ^= a >> 47
    b = ((v ^ a) * mul) & _MASK
    b ^= b >> 47
    return (b * mul) & _MASK


def _hash_len0to16(data, n):
    if n >= 8:
        mul = _K2 + n * 2
        a = (_fetch64(data, 0) + _K2) & _MASK
        b = _fetch64(data, n - 8)
        c = (_rotate(b, 37) * mul + a) & _MASK
        d = ((_rotate(a, 25) + b) * mul) & _MASK
        return _hash_len16(c, d, mul)
    if n >= 4:
        mul = _K2 + n * 2
        a = _fetch32(data, 0)
        return _hash_len16((n + (a << 3)) & _MASK, _fetch32(data, n - 4), mul)
    if n > 0:
        a, b, c = data[0], data[n >> 1], data[n - 1]
        y = (a + (b << 8)) & 0xFFFFFFFF
        z = (n + (c << 2)) & 0xFFFFFFFF
        return (_shift_mix(((y * _K2) ^ (z * _K0)) & _MASK) * _K2) & _MASK
    return _K2


def _hash_len17to32(data, n):
    mul = _K2 + n * 2
    a = (_fetch64(data, 0) * _K1) & _MASK
    b = _fetch64(data, 8)
    c = (_fetch64(data, n - 8) * mul) & _MASK
    d = (_fetch64(data, n - 16) * _K2) & _MASK
    return _hash_len16(
        (_rotate((a + b) & _MASK, 43) + _rotate(c, 30) + d) & _MASK,
        (a + _rotate((b + _K2) & _MASK, 18) + c) & _MASK,
        mul,
    )


def _hash_len33to64(data, n):
    mul = _K2 + n * 2
    a = (_fetch64(data, 0) * _K2) & _MASK
    b = _fetch64(data, 8)
    c = (_fetch64(data, n - 8) * mul) & _MASK
    d = (_fetch64(data, n - 16) * _K2) & _MASK
    y = (_rotate((a + b) & _MASK, 43) + _rotate(c, 30) + d) & _MASK
    z = _hash_len16(y, (a + _rotate((b + _K2) & _MASK, 18) + c) & _MASK, mul)
    e = (_fetch64(data, 16) * mul) & _MASK
    f = _fetch64(data, 24)
    g = ((y + _fetch64(data, n - 32)) * mul) & _MASK
    h = ((z + _fetch64(data, n - 24)) * mul) & _MASK
    return _hash_len16(
        (_rotate((e + f) & _MASK, 43) + _rotate(g, 30) + h) & _MASK,
        (e + _rotate((f + a) & _MASK, 18) + g) & _MASK,
        mul,
    )


def _weak_hash_len32_with_seeds(data, i, a, b):
    w, x, y, z = (_fetch64(data, i + k) for k in (0, 8, 16, 24))
    a = (a + w) & _MASK
    b = _rotate((b + a + z) & _MASK, 21)
    c = a
    a = (a + x + y) & _MASK
    b = (b + _rotate(a, 44)) & _MASK
    return (a + z) & _MASK, (b + c) & _MASK


def _hash_long(data, n):
    """Strings over 64 bytes: 64-byte blocks mixed into three 64-bit and two 128-bit states."""
    seed = 81
    x = seed
    y = (seed * _K1 + 113) & _MASK
    z = (_shift_mix((y * _K2 + 113) & _MASK) * _K2) & _MASK
    v = (0, 0)
    w = (0, 0)
    x = (x * _K2 + _fetch64(data, 0)) & _MASK
    end = ((n - 1) // 64) * 64
    last64 = end + ((n - 1) & 63) - 63
    for s in range(0, end, 64):
        x = (_rotate((x + y + v[0] + _fetch64(data, s + 8)) & _MASK, 37) * _K1) & _MASK
        y = (_rotate((y + v[1] + _fetch64(data, s + 48)) & _MASK, 42) * _K1) & _MASK
        x ^= w[1]
        y = (y + v[0] + _fetch64(data, s + 40)) & _MASK
        z = (_rotate((z + w[0]) & _MASK, 33) * _K1) & _MASK
        v = _weak_hash_len32_with_seeds(data, s, (v[1] * _K1) & _MASK, (x + w[0]) & _MASK)
        w = _weak_hash_len32_with_seeds(
            data, s + 32, (z + w[1]) & _MASK, (y + _fetch64(data, s + 16)) & _MASK
        )
        z, x = x, z
    mul = _K1 + ((z & 0xFF) << 1)
    s = last64
    w0 = (w[0] + ((n - 1) & 63)) & _MASK
    v0 = (v[0] + w0) & _MASK
    w0 = (w0 + v0) & _MASK
    v, w = (v0, v[1]), (w0, w[1])
    x = (_rotate((x + y + v[0] + _fetch64(data, s + 8)) & _MASK, 37) * mul) & _MASK
    y = (_rotate((y + v[1] + _fetch64(data, s + 48)) & _MASK, 42) * mul) & _MASK
    x ^= (w[1] * 9) & _MASK
    y = (y + v[0] * 9 + _fetch64(data, s + 40)) & _MASK
    z = (_rotate((z + w[0]) & _MASK, 33) * mul) & _MASK
    v = _weak_hash_len32_with_seeds(data, s, (v[1] * mul) & _MASK, (x + w[0]) & _MASK)
    w = _weak_hash_len32_with_seeds(
        data, s + 32, (z + w[1]) & _MASK, (y + _fetch64(data, s + 16)) & _MASK
    )
    z, x = x, z
    return _hash_len16(
        (_hash_len16(v[0], w[0], mul) + _shift_mix(y) * _K0 + z) & _MASK,
        (_hash_len16(v[1], w[1], mul) + x) & _MASK,
        mul,
    )


def fingerprint64(data):
    """FarmHash Fingerprint64 of `data` (bytes, or a str hashed as UTF-8), an int in
    [0, 2**64): the hash of `tf.strings.to_hash_bucket_fast` and `tf.fingerprint`."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    n = len(data)
    if n <= 16:
        return _hash_len0to16(data, n)
    if n <= 32:
        return _hash_len17to32(data, n)
    if n <= 64:
        return _hash_len33to64(data, n)
    return _hash_long(data, n)


def _sip_round(v0, v1, v2, v3):
    v0 = (v0 + v1) & _MASK
    v1 = _rotl(v1, 13) ^ v0
    v0 = _rotl(v0, 32)
    v2 = (v2 + v3) & _MASK
    v3 = _rotl(v3, 16) ^ v2
    v0 = (v0 + v3) & _MASK
    v3 = _rotl(v3, 21) ^ v0
    v2 = (v2 + v1) & _MASK
    v1 = _rotl(v1, 17) ^ v2
    v2 = _rotl(v2, 32)
    return v0, v1, v2, v3


def _rotl(value, shift):
    return ((value << shift) | (value >> (64 - shift))) & _MASK


def siphash24(key0, key1, data):
    """SipHash-2-4 of `data` (bytes, or a str hashed as UTF-8) under the 128-bit key
    (`key0`, `key1`), an int in [0, 2**64): the hash of `to_hash_bucket_strong`."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    k0, k1 = key0 & _MASK, key1 & _MASK
    v0 = k0 ^ 0x736F6D6570736575
    v1 = k1 ^ 0x646F72616E646F6D
    v2 = k0 ^ 0x6C7967656E657261
    v3 = k1 ^ 0x7465646279746573
    n = len(data)
    full = n - n % 8
    for i in range(0, full, 8):
        m = _fetch64(data, i)
        v3 ^= m
        v0, v1, v2, v3 = _sip_round(*_sip_round(v0, v1, v2, v3))
        v0 ^= m
    # The last block: the remaining bytes, and the length's low byte as the top byte.
    m = int.from_bytes(data[full:], "little") | ((n & 0xFF) << 56)
    v3 ^= m
    v0, v1, v2, v3 = _sip_round(*_sip_round(v0, v1, v2, v3))
    v0 ^= m
    v2 ^= 0xFF
    for _ in range(4):
        v0, v1, v2, v3 = _sip_round(v0, v1, v2, v3)
    return v0 ^ v1 ^ v2 ^ v3


def fingerprint_cat64(fp1, fp2):
    """Combines two 64-bit fingerprints (TensorFlow's FingerprintCat64), as hashed feature
    crosses do: `cross = cat(cat(key, fp(a)), fp(b))`."""
    result = fp1 ^ _CAT_MUL
    result ^= (_shift_mix((fp2 * _CAT_MUL) & _MASK) * _CAT_MUL) & _MASK
    result = (result * _CAT_MUL) & _MASK
    result = (_shift_mix(result) * _CAT_MUL) & _MASK
    return _shift_mix(result)


def as_hash_keys(values):
    """The byte strings an array of strings, bytes or integers is hashed as (integers as
    their decimal form, as `tf.strings.as_string` writes them), in a flat list, with the
    array's shape."""
    array = np.asarray(values)
    if array.dtype.kind in "iu":
        return [str(v).encode("ascii") for v in array.reshape(-1).tolist()], array.shape
    if array.dtype.kind == "b":
        raise TypeError("Cannot hash booleans; cast them to int or str first.")
    if array.dtype.kind == "f":
        raise TypeError(
            f"Hashing works on strings and integers; received floats ({array.dtype}). Cast "
            "them to int or str first, or discretize them (e.g. with Discretization)."
        )
    flat = [
        v if isinstance(v, bytes) else str(v).encode("utf-8") for v in array.reshape(-1).tolist()
    ]
    return flat, array.shape


def hash_buckets(values, num_buckets, key=None):
    """`hash(value) % num_buckets` for an array of strings, bytes or integers, as an int64
    NumPy array of the same shape: FarmHash Fingerprint64 without a key (TensorFlow's
    `to_hash_bucket_fast`), SipHash-2-4 with a (key0, key1) key (`to_hash_bucket_strong`)."""
    flat, shape = as_hash_keys(values)
    cache = {}
    out = np.empty((len(flat),), dtype="int64")
    for i, item in enumerate(flat):
        bucket = cache.get(item)
        if bucket is None:
            digest = fingerprint64(item) if key is None else siphash24(key[0], key[1], item)
            bucket = cache[item] = digest % num_buckets
        out[i] = bucket
    return out.reshape(shape)
