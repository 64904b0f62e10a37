#!/usr/bin/env python3
"""Turns kubectl's request logs (-v=8 and up) into the replay fixtures of KubectlReplayTest.

For every NN-name.log (kubectl's stderr) beside NN-name.args (the arguments, NUL-separated)
and NN-name.exit (its exit code) in --logs, writes --out/NN-name.json:

  {"command": "kubectl get pods", "args": [...], "kubectl": "<User-Agent>", "exitCode": 0,
   "requests": [{"method": "GET", "path": "/api/v1/...?limit=500", "accept": "...",
                 "contentType": "...", "body": <JSON> | "bodyText": "..." | "bodyBase64": "...",
                 "watch": true,
                 "polled": 3,
                 "expect": {"status": 200, "contentType": "...", "kind": "Table",
                            "columns": ["Name", ...], "reason": "NotFound"}}]}

kubectl's log formats, all read here:
  -v=6..8  "GET https://host/path", "Request Headers:" + "    Name: value" lines,
           "Response Status: 200 OK in 3 milliseconds", "Response Headers:" + lines
  -v=9+    "curl -v -XGET -H "Name: value" 'https://host/path'" and
           "GET https://host/path 200 OK in 3 milliseconds"
  bodies   "Request Body: ..." / "Response Body: ..." (client-go 1.31) or
           "Request Body" body="..." (1.32's structured logging); -v=8 cuts them at 1 KiB
           and -v=9 at 10 KiB ("[truncated N chars]"): a cut response keeps only its kind,
           a cut request body is refused (record with a higher -v). A binary body
           (application/vnd.kubernetes.protobuf, what kubectl 1.32 sends for the objects it
           builds itself) is logged as a hex dump between "body=<" and ">": it is kept
           byte for byte, as "bodyBase64".

What varies between runs becomes a placeholder the replayer fills from the answers it got
earlier in the same command: the host:port goes; a resourceVersion in a query or body
(other than "0") is ${resourceVersion}, a uid ${uid}, an OpenAPI document hash
${openapiHash}, a watch's timeoutSeconds (random) ${timeoutSeconds}, a timestamp within a day
of now ${now}; a fieldSelector's terms (in Go's random map order) are sorted. A generateName in a request is refused
(no placeholder for generated names yet), and so is a protobuf body holding a uid (placeholders are text; kubectl's
generated objects hold none). Consecutive identical GETs (kubectl polling until something changes) become one
request with the last answer and "polled": N.
"""
import argparse
import base64
import datetime
import json
import os
import re
import sys

KLOG = re.compile(r'^[IWEF]\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ [^\]]+\] (.*)$')
METHODS = 'GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS'
REQUEST_LINE = re.compile(r'^(' + METHODS + r') (https?://\S+)$')
STATUS_LINE_V9 = re.compile(r'^(' + METHODS + r') (https?://\S+) (\d{3})?.*? in \d+ milliseconds$')
RESPONSE_STATUS = re.compile(r'^Response Status: (\d{3})?.* in \d+ milliseconds$')
CURL = re.compile(r"^curl -v -X(\w+)\s+(.*?)\s*'(https?://[^']*)'\s*$")
CURL_HEADER = re.compile(r'-H "((?:[^"\\]|\\.)*)"')
HEADER = re.compile(r'^    ([A-Za-z0-9-]+): (.*)$')
BODY_PLAIN = re.compile(r'^(Request|Response) Body: ?(.*)$')
BODY_STRUCTURED = re.compile(r'^"(Request|Response) Body" body=(".*")$')
BODY_STRUCTURED_MULTILINE = re.compile(r'^"(Request|Response) Body" body=<$')
TRUNCATED = re.compile(r' \[truncated \d+ chars\]$')
HOST = re.compile(r'^https?://[^/]+')
UUID = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}')
RV_QUERY = re.compile(r'([?&]resourceVersion=)([1-9]\d*)')
RV_BODY = re.compile(r'("resourceVersion":")([1-9]\d*)(")')
HASH_QUERY = re.compile(r'([?&]hash=)[0-9A-Fa-f]+')
WATCH_TIMEOUT = re.compile(r'([?&]timeoutSeconds=)\d+')
FIELD_SELECTOR = re.compile(r'([?&]fieldSelector=)([^&]*)')
TIMESTAMP = re.compile(r'\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z')
HEXDUMP_LINE = re.compile(r'^\s*[0-9a-f]{8}  (.*?)\s*\|.*\|$')


def hexdump_bytes(text, where):
    """The bytes of a body klog logged as a hex dump (Go's hex.Dump: offset, 16 bytes, |text|)."""
    out = bytearray()
    for line in text.split('\n'):
        if not line.strip():
            continue
        m = HEXDUMP_LINE.match(line)
        if not m:
            sys.exit(f'{where}: a binary body that is not a hex dump: {line!r}')
        out += bytes(int(h, 16) for h in m.group(1).split())
    return bytes(out)


def go_unquote(s):
    """A Go-quoted string ("..." as strconv.Quote writes it) to its text."""
    assert s.startswith('"') and s.endswith('"'), s[:40]
    s = s[1:-1]
    out = bytearray()
    i = 0
    simple = {'n': b'\n', 't': b'\t', 'r': b'\r', '"': b'"', '\\': b'\\', "'": b"'",
              'a': b'\a', 'b': b'\b', 'f': b'\f', 'v': b'\v'}
    while i < len(s):
        c = s[i]
        if c != '\\':
            out += c.encode('utf-8')
            i += 1
            continue
        e = s[i + 1]
        if e in simple:
            out += simple[e]
            i += 2
        elif e == 'x':
            out.append(int(s[i + 2:i + 4], 16))
            i += 4
        elif e == 'u':
            out += chr(int(s[i + 2:i + 6], 16)).encode('utf-8')
            i += 6
        elif e == 'U':
            out += chr(int(s[i + 2:i + 10], 16)).encode('utf-8')
            i += 10
        else:  # octal \NNN
            out.append(int(s[i + 1:i + 4], 8))
            i += 4
    return out.decode('utf-8', errors='replace')


class Request:
    def __init__(self, method, url):
        self.method = method
        self.url = url
        self.headers = {}
        self.body = None
        self.status = None
        self.response_headers = {}
        self.response_body = None
        self.answered = False


def parse_log(path):
    """The requests of one kubectl run, in the order it sent them."""
    requests = []
    pending_body = None
    section = None  # 'request' or 'response': where "    Name: value" lines go
    multiline = None  # a structured body spread over lines: [kind, [lines]]
    with open(path, encoding='utf-8', errors='replace') as f:
        lines = f.read().split('\n')
    for raw in lines:
        if multiline is not None:
            if raw.strip() == '>':
                kind, text = multiline[0], '\n'.join(multiline[1])
                multiline = None
                pending_body, section = attach_body(kind, text, requests, pending_body, section)
            else:
                multiline[1].append(raw[1:] if raw.startswith('\t') else raw)
            continue
        m = KLOG.match(raw)
        if not m:
            continue
        msg = m.group(1)
        if (b := BODY_STRUCTURED.match(msg)) is not None:
            pending_body, section = attach_body(b.group(1), go_unquote(b.group(2)), requests, pending_body, section)
        elif (b := BODY_STRUCTURED_MULTILINE.match(msg)) is not None:
            multiline = [b.group(1), []]
        elif (b := BODY_PLAIN.match(msg)) is not None:
            pending_body, section = attach_body(b.group(1), b.group(2), requests, pending_body, section)
        elif (c := CURL.match(msg)) is not None:
            r = Request(c.group(1), c.group(3))
            for h in CURL_HEADER.findall(c.group(2)):
                name, _, value = go_unquote('"' + h + '"').partition(': ')
                r.headers[name] = value
            r.body, pending_body = pending_body, None
            requests.append(r)
            section = None
        elif (s := STATUS_LINE_V9.match(msg)) is not None:
            r = current(requests, s.group(1), s.group(2), path, msg)
            answer(r, s.group(3), path, msg)
            section = 'response'
        elif (q := REQUEST_LINE.match(msg)) is not None:
            r = Request(q.group(1), q.group(2))
            r.body, pending_body = pending_body, None
            requests.append(r)
            section = 'request'
        elif msg == 'Request Headers:':
            section = 'request'
        elif msg == 'Response Headers:':
            section = 'response'
        elif (s := RESPONSE_STATUS.match(msg)) is not None:
            if not requests or requests[-1].answered:
                sys.exit(f'{path}: a response status with no request waiting: {msg}')
            answer(requests[-1], s.group(1), path, msg)
            section = 'response'
        elif (h := HEADER.match(msg)) is not None and section is not None and requests:
            target = requests[-1].headers if section == 'request' else requests[-1].response_headers
            target[h.group(1)] = h.group(2)
    for r in requests:
        if not r.answered:
            sys.exit(f'{path}: {r.method} {r.url} has no response status in the log')
    return requests


def current(requests, method, url, path, msg):
    if not requests or requests[-1].answered or requests[-1].method != method or requests[-1].url != url:
        sys.exit(f'{path}: a status line for a request not waiting (concurrent requests?): {msg}')
    return requests[-1]


def answer(r, status, path, msg):
    if status is None:
        sys.exit(f'{path}: {r.method} {r.url} got no HTTP answer: {msg}')
    r.status = int(status)
    r.answered = True


def attach_body(kind, text, requests, pending_body, section):
    if kind == 'Request':
        return (text if text != '' else None), section
    # a response body belongs to the last answered request (watches log none)
    for r in reversed(requests):
        if r.answered:
            if r.response_body is None:
                r.response_body = text
            break
    return pending_body, section


def normalise(text, now):
    text = HOST.sub('', text)
    text = RV_QUERY.sub(r'\1${resourceVersion}', text)
    text = RV_BODY.sub(r'\1${resourceVersion}\3', text)
    text = UUID.sub('${uid}', text)
    text = HASH_QUERY.sub(r'\1${openapiHash}', text)
    if re.search(r'[?&]watch=(true|1)(&|$)', text):
        text = WATCH_TIMEOUT.sub(r'\1${timeoutSeconds}', text)  # kubectl picks it at random
    # the terms come in Go's random map order: sorted, so that two recordings compare
    text = FIELD_SELECTOR.sub(lambda m: m.group(1) + '%2C'.join(sorted(m.group(2).split('%2C'))), text)

    def stamp(m):
        try:
            t = datetime.datetime.fromisoformat(m.group(0).replace('Z', '+00:00'))
        except ValueError:
            return m.group(0)
        return '${now}' if abs((now - t).total_seconds()) < 86400 else m.group(0)

    return TIMESTAMP.sub(stamp, text)


def expectation(r):
    e = {'status': r.status}
    ct = header(r.response_headers, 'Content-Type')
    if ct is not None:
        e['contentType'] = ct
    body = r.response_body
    if body:
        cut = TRUNCATED.search(body) is not None
        doc = None
        if not cut:
            try:
                doc = json.loads(body)
            except ValueError:
                doc = None
        if isinstance(doc, dict):
            if isinstance(doc.get('kind'), str):
                e['kind'] = doc['kind']
            if doc.get('kind') == 'Table' and isinstance(doc.get('columnDefinitions'), list):
                e['columns'] = [c.get('name') for c in doc['columnDefinitions']]
            if doc.get('kind') == 'Status' and doc.get('status') == 'Failure':
                e['reason'] = doc.get('reason', '')
        elif cut:
            k = re.match(r'^\{"kind":"([A-Za-z0-9]+)"', body)
            if k:
                e['kind'] = k.group(1)
    return e


def header(headers, name):
    for k, v in headers.items():
        if k.lower() == name.lower():
            return v
    return None


def fixture_request(r, path, now):
    if r.body is not None and TRUNCATED.search(r.body):
        sys.exit(f'{path}: the request body of {r.method} {r.url} is cut in the log: record with a higher -v')
    ct = header(r.headers, 'Content-Type') or ''
    binary = None
    if r.body is not None and 'protobuf' in ct:
        binary = hexdump_bytes(r.body, f'{path}: {r.method} {r.url}')
        if UUID.search(binary.decode('latin-1')):
            sys.exit(f'{path}: {r.method} {r.url} sends a protobuf body holding a uid: no placeholder for it')
    if r.body is not None and binary is None and '"generateName"' in r.body:
        sys.exit(f'{path}: {r.method} {r.url} sends a generateName: the replay has no placeholder for it yet')
    out = {'method': r.method, 'path': normalise(r.url, now)}
    for name, key in (('Accept', 'accept'), ('Content-Type', 'contentType')):
        v = header(r.headers, name)
        if v is not None:
            out[key] = v
    if binary is not None:
        out['bodyBase64'] = base64.b64encode(binary).decode('ascii')
    elif r.body is not None:
        text = normalise(r.body, now)
        try:
            out['body'] = json.loads(text)
        except ValueError:
            out['bodyText'] = text
    if re.search(r'[?&]watch=(true|1)(&|$)', r.url):
        out['watch'] = True
    out['expect'] = expectation(r)
    return out


def collapse(entries):
    """Consecutive identical GETs (kubectl polling) become one: the last answer, polled: N."""
    out = []
    for e in entries:
        prev = out[-1] if out else None
        same = prev is not None and e['method'] == 'GET' and not e.get('watch') and all(
            prev.get(k) == e.get(k) for k in ('method', 'path', 'accept', 'contentType', 'body', 'bodyText',
                                              'bodyBase64'))
        if same:
            e = dict(e)
            e['polled'] = prev.get('polled', 1) + 1
            out[-1] = e
        else:
            out.append(e)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--logs', required=True, help='dir of NN-name.log/.args/.exit from record.sh')
    ap.add_argument('--out', required=True, help='fixtures dir (its *.json are replaced)')
    ap.add_argument('--strip', default='', help='prefix removed from arguments (the manifests\' dir)')
    a = ap.parse_args()
    now = datetime.datetime.now(datetime.timezone.utc)
    names = sorted(f[:-4] for f in os.listdir(a.logs) if f.endswith('.log'))
    if not names:
        sys.exit(f'no *.log in {a.logs}')
    fixtures = {}
    for name in names:
        base = os.path.join(a.logs, name)
        with open(base + '.args', encoding='utf-8') as f:
            args = [x.replace(a.strip, '') if a.strip else x for x in f.read().split('\0') if x != '']
        with open(base + '.exit', encoding='utf-8') as f:
            exit_code = int(f.read().strip())
        requests = parse_log(base + '.log')
        if not requests:
            sys.exit(f'{base}.log: no requests (was kubectl run with -v=8 or more?)')
        agents = {header(r.headers, 'User-Agent') for r in requests} - {None}
        fixtures[name] = {
            'command': 'kubectl ' + ' '.join(args),
            'args': args,
            'kubectl': sorted(agents)[0] if agents else '',
            'exitCode': exit_code,
            'requests': collapse([fixture_request(r, base + '.log', now) for r in requests]),
        }
    os.makedirs(a.out, exist_ok=True)
    for f in os.listdir(a.out):
        if f.endswith('.json'):
            os.remove(os.path.join(a.out, f))
    for name, fx in fixtures.items():
        with open(os.path.join(a.out, name + '.json'), 'w', encoding='utf-8') as f:
            json.dump(fx, f, indent=2, ensure_ascii=False)
            f.write('\n')
    total = sum(len(fx['requests']) for fx in fixtures.values())
    print(f'convert.py: {len(fixtures)} fixtures, {total} requests -> {a.out}', file=sys.stderr)


if __name__ == '__main__':
    main()
