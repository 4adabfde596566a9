"""Verifies pihsm messages the way pihsm's verify.py does: PyNaCl (libsodium) attached-signature
verification, signed message = signature(64) | message, by the public key at bytes 64..96.
Usage: pynacl_verify.py FILE... ; prints one line per file: OK or BAD and the reason."""
import sys

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

for path in sys.argv[1:]:
    with open(path, "rb") as f:
        signed = f.read()
    try:
        VerifyKey(signed[64:96]).verify(signed)
        print("OK", path)
    except BadSignatureError as e:
        print("BAD", path, e)
