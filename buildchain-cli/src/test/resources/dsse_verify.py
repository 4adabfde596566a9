"""Independent check of buildchain's SLSA provenance envelopes, with libsodium (python3-nacl) and no buildchain code.

Usage: dsse_verify.py LAYOUT ENVELOPE...
Each envelope must carry a signature whose keyid is a functionary key of the layout's step 'build', valid over
DSSE's pre-authentication encoding of its payload. Prints one JSON line per envelope:
{"keyid": ..., "subjects": {name: digest}, "builder": ..., "revision": ...}; exits 1 on the first failure.
"""
import base64
import json
import sys

import nacl.exceptions
import nacl.signing

layout = json.load(open(sys.argv[1], encoding="utf-8"))["signed"]
step = [s for s in layout["steps"] if s["name"] == "build"][0]
keys = {keyid: layout["keys"][keyid]["keyval"]["public"] for keyid in step["pubkeys"]}
for path in sys.argv[2:]:
    envelope = json.load(open(path, encoding="utf-8"))
    payload = base64.b64decode(envelope["payload"])
    kind = envelope["payloadType"].encode()
    pae = b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)
    signature = envelope["signatures"][0]
    key = nacl.signing.VerifyKey(bytes.fromhex(keys[signature["keyid"]]))
    try:
        key.verify(pae, base64.b64decode(signature["sig"]))
    except nacl.exceptions.BadSignatureError:
        print(path + ": bad signature", file=sys.stderr)
        sys.exit(1)
    statement = json.loads(payload)
    print(json.dumps({
        "keyid": signature["keyid"],
        "type": statement["_type"],
        "predicateType": statement["predicateType"],
        "subjects": {s["name"]: s["digest"] for s in statement["subject"]},
        "builder": statement["predicate"]["runDetails"]["builder"]["id"],
        "buildType": statement["predicate"]["buildDefinition"]["buildType"],
        "revision": statement["predicate"]["buildDefinition"]["resolvedDependencies"][0]["digest"]["gitCommit"],
    }, sort_keys=True))
