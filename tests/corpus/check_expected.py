#!/usr/bin/env python3
"""Check the corpus' expectation files: every generated file has one, each is valid JSON in the format
README.md describes, and message expectations are consistent with their own envelope and verdict.

This checks the form of the hand-written expectations only; it never derives one from a file.
Usage: check_expected.py OUT_DIR
"""

import json
import os
import sys

KINDS = {"pdf", "ooxml", "cfb", "zip", "7z", "rar", "gzip", "tar", "image", "text", "executable", "tnef",
         "message", "unknown",
         "lzh", "cab", "iso"}  # issue 12: containers
KINDS |= {"odf"}  # OpenDocument (issue 12, make-documents.sh)
DOCUMENTS = {"pdf", "ooxml", "odf"}  # readable themselves whatever files they carry (ADR-003), so their entries do not decide
KINDS |= {"smime", "openpgp"}  # issue 12: signed and encrypted mail (make-mail-security.sh)
PROTECTIONS = {"protected", "not-protected", "unknown"}
REASONS = {"corrupt", "unrecognised", "limit-depth", "limit-entries", "limit-size", "limit-ratio", "unsupported"}
VERDICT_OF_RULE = {"disguised": "quarantine", "executable": "quarantine", "external-unknown": "quarantine",
                   "external-unprotected": "quarantine", "too-large": "reject", "default-pass": "pass"}
WHY_EXCLUDED = {"inline-image", "calendar"}
WHY_EXCLUDED |= {"signature", "encryption-control", "report"}  # issue 12 (make-mail-security.sh)
WHY_REASON = {"not-protected", "unknown", "disguised", "executable"}
INTERNAL = "example.co.jp"

errors: list[str] = []


def err(path: str, msg: str) -> None:
    errors.append(f"{path}: {msg}")


def keys(path, obj, required, optional):
    if not isinstance(obj, dict):
        return err(path, f"not an object: {obj!r}")
    missing = required - obj.keys()
    extra = obj.keys() - required - optional
    if missing:
        err(path, f"missing {sorted(missing)}")
    if extra:
        err(path, f"unknown keys {sorted(extra)}")


def check_file(path: str, e: dict) -> None:
    keys(path, e, {"kind", "protection", "disguised"}, {"note", "entries", "unknownReason", "alsoAcceptable"})
    if e.get("kind") not in KINDS:
        err(path, f"kind {e.get('kind')!r}")
    if e.get("protection") not in PROTECTIONS:
        err(path, f"protection {e.get('protection')!r}")
    if not isinstance(e.get("disguised"), bool):
        err(path, "disguised must be true or false")
    if (e.get("protection") == "unknown") != ("unknownReason" in e):
        err(path, "unknownReason is required exactly when protection is unknown")
    if "unknownReason" in e and e["unknownReason"] not in REASONS:
        err(path, f"unknownReason {e['unknownReason']!r}")
    for r in e.get("alsoAcceptable", []):
        if r not in REASONS:
            err(path, f"alsoAcceptable {r!r}")
    if e.get("kind") == "unknown" and e.get("protection") != "unknown":
        err(path, "an unknown kind is always unknown protection")
    for i, en in enumerate(e.get("entries", [])):
        p = f"{path} entries[{i}]"
        keys(p, en, {"name", "protection"}, {"kind", "disguised"})
        if en.get("protection") not in PROTECTIONS:
            err(p, f"protection {en.get('protection')!r}")
        if "kind" in en and en["kind"] not in KINDS:
            err(p, f"kind {en['kind']!r}")
        if "\\" in en.get("name", ""):
            err(p, "entry names use / separators")
    ents = e.get("entries")
    if ents and e.get("protection") == "protected" and any(x["protection"] != "protected" for x in ents):
        err(path, "protected, but an entry is not")
    if ents and e.get("protection") == "not-protected" and e.get("kind") not in DOCUMENTS and all(x["protection"] == "protected" for x in ents):
        err(path, "not-protected, but every entry is protected")
    if ents and any(x.get("disguised") for x in ents) and not e.get("disguised"):
        err(path, "an entry is disguised, so the file is (disguised aggregates like protection)")


def check_message(path: str, e: dict) -> None:
    keys(path, e, {"envelope", "verdict", "rule", "attachments", "excluded"}, {"note", "reasons", "problems"})
    env = e.get("envelope", {})
    keys(path + " envelope", env, {"from", "to"}, set())
    if not env.get("to"):
        err(path, "envelope has no recipient")
    rule = e.get("rule")
    if rule not in VERDICT_OF_RULE:
        err(path, f"rule {rule!r}")
    elif VERDICT_OF_RULE[rule] != e.get("verdict"):
        err(path, f"rule {rule} gives verdict {VERDICT_OF_RULE[rule]}, not {e.get('verdict')}")
    external = any(r.rsplit("@", 1)[-1].lower() != INTERNAL for r in env.get("to", []))
    if rule in ("external-unknown", "external-unprotected") and not external:
        err(path, f"rule {rule} on a message with no external recipient")
    for i, a in enumerate(e.get("attachments", [])):
        p = f"{path} attachments[{i}]"
        keys(p, a, {"name", "kind", "protection"}, {"disguised"})
        if a.get("kind") not in KINDS:
            err(p, f"kind {a.get('kind')!r}")
        if a.get("protection") not in PROTECTIONS:
            err(p, f"protection {a.get('protection')!r}")
    for i, x in enumerate(e.get("excluded", [])):
        p = f"{path} excluded[{i}]"
        keys(p, x, {"name", "why"}, {"within"})
        if x.get("why") not in WHY_EXCLUDED:
            err(p, f"why {x.get('why')!r}")
    for i, r in enumerate(e.get("reasons", [])):
        p = f"{path} reasons[{i}]"
        keys(p, r, {"path", "why"}, set())
        if r.get("why") not in WHY_REASON:
            err(p, f"why {r.get('why')!r}")
    atts = e.get("attachments", [])
    if rule == "default-pass" and external and any(a["protection"] != "protected" for a in atts):
        err(path, "passes external mail with an attachment that is not protected")
    if rule == "default-pass" and external and e.get("problems"):
        err(path, "passes external mail with a message-level problem")
    if rule == "default-pass" and any(a.get("disguised") or a["kind"] == "executable" for a in atts):
        err(path, "passes a disguised or executable attachment")


def main(out: str) -> int:
    n_files = n_msgs = 0
    for root, _, names in os.walk(out):
        for name in names:
            path = os.path.join(root, name)
            rel = os.path.relpath(path, out)
            if name.endswith(".expected.json"):
                if not os.path.exists(path[:-len(".expected.json")]):
                    err(rel, "expectation without its file")
                continue
            exp = path + ".expected.json"
            if not os.path.exists(exp):
                err(rel, "no .expected.json beside it")
                continue
            try:
                with open(exp, encoding="utf-8") as fh:
                    e = json.load(fh)
            except ValueError as ex:
                err(rel + ".expected.json", f"invalid JSON: {ex}")
                continue
            if rel.startswith("messages" + os.sep):
                check_message(rel, e)
                n_msgs += 1
            else:
                check_file(rel, e)
                n_files += 1
    if errors:
        print("\n".join(errors), file=sys.stderr)
        print(f"check_expected: {len(errors)} problem(s)", file=sys.stderr)
        return 1
    print(f"check_expected: {n_files} files and {n_msgs} messages, every expectation well-formed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "out"))
