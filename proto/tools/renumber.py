#!/usr/bin/env python3
"""Renumbers the fields of kubelite's .proto files to Kubernetes' protobuf field numbers.

kubelite's API messages model Kubernetes' Go types; numbering their fields as Kubernetes'
generated.proto numbers them makes kubelite's own encoding Kubernetes' wire format wherever
the types agree (io.kubelite.apiserver.KubeProtobuf reads the rest). The numbers come from
the table proto/src/main/resources/io/kubelite/api/kube-field-numbers.tsv (written by
KubeFieldTable.java from a kubectl binary): package, message, jsonName, number, type.

A message is matched to the Kubernetes type named by its (k8s_type) option, else to the
file's (k8s_package) + its own name; its fields by JSON name (json_name, else proto's
lowerCamelCase of the field name). A field Kubernetes has gets Kubernetes' number; a field
only kubelite has (apiVersion and kind of top-level types, which Kubernetes keeps out of the
object's bytes), or that Kubernetes keeps in a Go-embedded struct (k8s_inline), keeps its
number if it is 1000 or more, else gets the next free one from 1000.
Messages marked (kubelite_only) are left alone. A message with no counterpart in the table is
an error: add the Kubernetes type to the table, or mark it.

    proto/tools/renumber.py            # rewrite the .proto files in place, print what changed
    proto/tools/renumber.py --check    # change nothing; exit 1 if anything would change

Only single-line field declarations are understood (kubelite's style); a line that starts
like a field and does not parse stops the tool. Renumbering changes the stored encoding:
bump the storage version (ObjectCodec) when a kind already stored changes numbers.
"""
import argparse
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
PROTO_DIR = HERE.parent / "src" / "main" / "proto"
TABLE = HERE.parent / "src" / "main" / "resources" / "io" / "kubelite" / "api" / "kube-field-numbers.tsv"
FIRST_OWN = 1000

FIELD = re.compile(
    r"^(?P<indent>\s*)(?P<label>(?:optional|repeated)\s+)?(?P<type>map\s*<[^>]+>|[\w.]+)\s+"
    r"(?P<name>\w+)\s*=\s*(?P<number>\d+)(?P<rest>\s*(?:\[.*\])?\s*;.*)$")
MESSAGE = re.compile(r"^\s*message\s+(\w+)\s*\{")
K8S_PACKAGE = re.compile(r'^\s*option\s+\(k8s_package\)\s*=\s*"([^"]*)"\s*;')
K8S_TYPE = re.compile(r'^\s*option\s+\(k8s_type\)\s*=\s*"([^"]*)"\s*;')
KUBELITE_ONLY = re.compile(r"^\s*option\s+\(kubelite_only\)\s*=\s*true\s*;")
JSON_NAME = re.compile(r'json_name\s*=\s*"([^"]*)"')
INLINE = re.compile(r'\(k8s_inline\)\s*=\s*"([^"]*)"')
NOT_FIELDS = {"option", "reserved", "message", "enum", "oneof", "extend", "syntax", "package",
              "import"}


def load_table(path):
    table = {}
    for line in path.read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        pkg, message, json_name, number, _type = line.split("\t")
        table.setdefault(pkg + "." + message, {})[json_name] = int(number)
    return table


def json_name(name, rest):
    """The field's JSON name; None for a field of a Go-embedded struct (k8s_inline), which has
    no number of its own in Kubernetes' message."""
    if INLINE.search(rest):
        return None
    m = JSON_NAME.search(rest)
    if m:
        return m.group(1)
    parts = name.split("_")
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


def starts_other(code):
    """True for a line that is not (the start of) a field declaration."""
    stripped = code.strip()
    return stripped.startswith("}") or re.split(r"[\s({]", stripped, 1)[0] in NOT_FIELDS


class Message:
    def __init__(self, name):
        self.name = name
        self.k8s_type = None
        self.kubelite_only = False
        self.fields = []  # (line index, match)


def parse(path):
    """The file's lines, its k8s_package and its messages (nested ones named Outer.Inner)."""
    lines = path.read_text().split("\n")
    package = ""
    messages = []
    stack = []  # open messages, innermost last
    depth_of = []  # brace depth at which each open message started
    depth = 0
    for i, line in enumerate(lines):
        code = line.split("//", 1)[0]
        m = K8S_PACKAGE.match(code)
        if m:
            package = m.group(1)
        m = MESSAGE.match(code)
        if m:
            name = ".".join([s.name for s in stack] + [m.group(1)])
            msg = Message(name)
            messages.append(msg)
            stack.append(msg)
            depth_of.append(depth)
        elif stack and K8S_TYPE.match(code):
            stack[-1].k8s_type = K8S_TYPE.match(code).group(1)
        elif stack and KUBELITE_ONLY.match(code):
            stack[-1].kubelite_only = True
        elif stack and code.strip() and not starts_other(code):
            f = FIELD.match(code)
            if not f:
                sys.exit(f"{path}:{i + 1}: cannot read this field declaration: {line.strip()}")
            stack[-1].fields.append((i, f))
        depth += code.count("{") - code.count("}")
        while stack and depth <= depth_of[-1]:
            stack.pop()
            depth_of.pop()
    return lines, package, messages


def renumber(path, table, changes):
    lines, package, messages = parse(path)
    for msg in messages:
        if msg.kubelite_only or not msg.fields:
            # an empty message (kube's CustomResourceSubresourceStatus) has no numbers to check
            continue
        kube_name = msg.k8s_type or (package + "." + msg.name)
        kube = table.get(kube_name)
        if kube is None:
            sys.exit(f"{path}: message {msg.name}: no Kubernetes type {kube_name} in {TABLE.name};"
                     " add it to the table, name another with (k8s_type), or mark the message"
                     " (kubelite_only)")
        taken = {int(f.group("number")) for _, f in msg.fields if int(f.group("number")) >= FIRST_OWN
                 and json_name(f.group("name"), f.group("rest")) not in kube}
        next_own = FIRST_OWN
        for i, f in msg.fields:
            old = int(f.group("number"))
            jn = json_name(f.group("name"), f.group("rest"))
            if jn in kube:
                new = kube[jn]
            elif old >= FIRST_OWN:
                new = old
            else:
                while next_own in taken:
                    next_own += 1
                new = next_own
                taken.add(new)
            if new != old:
                lines[i] = lines[i][:f.start("number")] + str(new) + lines[i][f.end("number"):]
                changes.append(f"{path.name}: {msg.name}.{f.group('name')} ({jn or 'inline'}): {old} -> {new}")
        numbers = [int(FIELD.match(lines[i].split("//", 1)[0]).group("number")) for i, _ in msg.fields]
        if len(numbers) != len(set(numbers)):
            sys.exit(f"{path}: message {msg.name}: two fields would share a number: {numbers}")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="change nothing; exit 1 if anything would")
    ap.add_argument("--table", type=pathlib.Path, default=TABLE)
    ap.add_argument("protos", nargs="*", type=pathlib.Path,
                    help="the .proto files (default: every file in proto/src/main/proto)")
    args = ap.parse_args()
    table = load_table(args.table)
    protos = args.protos or sorted(PROTO_DIR.glob("*.proto"))
    changes = []
    for path in protos:
        if path.name == "schema.proto":
            continue
        text = renumber(path, table, changes)
        if not args.check and text != path.read_text():
            path.write_text(text)
    for c in changes:
        print(c)
    if args.check and changes:
        print(f"{len(changes)} field numbers differ from Kubernetes'; run {sys.argv[0]} to fix them",
              file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
