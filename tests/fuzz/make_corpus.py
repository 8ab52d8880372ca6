#!/usr/bin/env python3
"""Writes the fuzzers' seed corpus (tests/fuzz/corpus/) from the programmes
and the conformance vectors, so that fuzzing starts from real inputs.
Run again when vectors are added:  python3 tests/fuzz/make_corpus.py"""
import hashlib
import json
import pathlib
import shutil

root = pathlib.Path(__file__).resolve().parents[2]
out = root / "tests" / "fuzz" / "corpus"
shutil.rmtree(out, ignore_errors=True)  # inputs of vectors since removed go too
# The operations in Engine::operations() order: the operation fuzzer's first byte.
OPS = ("preview_order preview_listing tier_progress points_summary redemption_preview lifecycle "
       "checkin_calendar task_overview box_odds verify_draw simulate_draws digest apply apply_events").split()


def put(target, data):
    folder = out / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)


def compact(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


for program in sorted((root / "programs").glob("*.json")):
    put("program", program.read_bytes())
for vector in sorted((root / "tests" / "vectors").glob("*.json")):
    doc = json.loads(vector.read_text())
    for case in doc["cases"]:
        if isinstance(case.get("program"), dict):
            put("program", compact(case["program"]))
        op = case["op"]
        text = case.get("input_text", None)
        data = text.encode() if text is not None else compact(case.get("input"))
        if op == "check_program":
            put("program", data)
        elif op in OPS:
            put("operation", bytes([OPS.index(op)]) + data)
        # States for the snapshot fuzzer (1: JSON), which writes each as bytes and reads it back.
        if isinstance(case.get("input"), dict) and isinstance(case["input"].get("state"), dict):
            put("snapshot", b"\x01" + compact(case["input"]["state"]))

# Found by fuzz_snapshot (0: bytes after the header): a member given the recall
# offer "wake-uq", which the bakery does not have; it reads as none.
put("snapshot", bytes.fromhex("00000000000000000000000000000000000000000180a0abfef9620777616b652d7571"
                              "0000000000000000000000000000000000000000"))

# The same member packed (2: "LCZ" and its size, then an LZ4 block of literals only).
plain = b"LCS\x06" + bytes.fromhex("00000000000000000000000000000000000000000180a0abfef9620777616b652d7571"
                                    "0000000000000000000000000000000000000000")
put("snapshot", b"\x02" + len(plain).to_bytes(4, "little") + bytes([0xF0, len(plain) - 15]) + plain)

# A member with three lots (0: bytes after the header): two orders', one
# whose order id is its own id, and a check-in's with none. From snapshot
# version 7 their times are differences from the lot before.
put("snapshot", b"\x00" + bytes.fromhex("0000000000808aac93966700009a0180c8fec4f16601808aac93966704a8780380aac6ee94670180b0acc8c46a026531"
                                        "056f2d653180010080f0b2520100036f2d3200b4010080f0b2520100026331010a00046d2d76370280aac6ee94674000"
                                        "01056272656164803280010200046c6f6166046f2d653180320080010000000000809af9c095675a0001056272656164"
                                        "a846b4010200046c6f6166036f2d32a84600b401000000000000000003026531036f2d32026331000101c6c00200c6c0"
                                        "020002000000000000000000000001c6c0020000000a00000001066d656d626572000600"))

# Sync bodies: the first byte picks the endpoint (0 sync, 1 join, 2 order, 3 refund, 4 membership).
bodies = [
    (0, {"events": [{"id": "e1", "type": "checkin"}, {"id": "e2", "type": "redeem", "points": 5, "reward_id": "r"}]}),
    (0, {"events": [{"id": "d", "type": "draw", "box": "chest"}, {"id": "s", "type": "scan", "code": "XMAS-1"}]}),
    (0, {"events": [{"id": "m", "type": "makeup", "day": "2026-11-20", "pay": "points"}, {"id": "l", "type": "like", "article": "a"}]}),
    (0, {"member_id": "m1", "events": [{"id": "x", "type": "share", "article": "a", "at": 1795276800000}]}),
    (0, {"member_id": "m1", "events": [{"id": "(", "type": 276799999}]}),  # found by fuzz_sync: a type not a string
    (1, {"member_id": "m2", "inviter": "m1", "birthday": "03-14"}),
    (2, {"member_id": "m1", "id": "o2", "order_id": "o2", "lines": [{"sku": "b", "category": "bread", "unit_price": 1250, "quantity": 2}], "redeem_points": 10}),
    (3, {"member_id": "m1", "id": "r1", "order_id": "o", "lines": [{"line": 0, "quantity": 1}]}),
    (4, {"member_id": "m1", "id": "p1", "tier": "gold"}),
]
for endpoint, body in bodies:
    put("sync", bytes([endpoint]) + compact(body))
print(f"corpus in {out.relative_to(root)}: " + ", ".join(
    f"{d.name} {len(list(d.iterdir()))}" for d in sorted(out.iterdir())))
