#!/usr/bin/env python3
"""Session-rate load generator for the ftproute end-to-end benchmark (stdlib only).

Each session: connect, log in (anonymous), RETR one small file over EPSV (falling back to PASV),
QUIT. CONCURRENCY sessions run at a time, spread over PROCS processes (threads inside each), so
that the GIL does not make the generator the bottleneck. Every session binds its control and data
connections to one client source address, taken round-robin from --sources (e.g.
127.0.0.10-127.0.0.41), so that source-address balancing (HAProxy `balance source`, ftproute
persistence) sees many clients.

Prints one JSON object: ok, failed, stalls (sessions slower than --stall-seconds), elapsed_s,
sessions_per_s, p50_ms, p99_ms, max_ms, errors (first few messages).
"""
import argparse
import ftplib
import ipaddress
import json
import multiprocessing
import socket
import sys
import threading
import time


def parse_sources(spec):
    out = []
    for part in spec.split(","):
        if "-" in part:
            lo, hi = part.split("-")
            a, b = int(ipaddress.IPv4Address(lo)), int(ipaddress.IPv4Address(hi))
            out.extend(str(ipaddress.IPv4Address(i)) for i in range(a, b + 1))
        else:
            out.append(part)
    return out


class Session(ftplib.FTP):
    """ftplib with EPSV: ftplib uses EPSV only for IPv6; curl and most clients use it first."""

    def makepasv(self):
        try:
            resp = self.sendcmd("EPSV")
        except ftplib.error_perm:
            return super().makepasv()
        return ftplib.parse229(resp, self.sock.getpeername())


def one_session(host, port, source, path, timeout, expect):
    ftp = Session(timeout=timeout, source_address=(source, 0))
    try:
        ftp.connect(host, port)
        ftp.login()  # anonymous
        got = [0]

        def sink(chunk):
            got[0] += len(chunk)

        ftp.retrbinary("RETR " + path, sink, blocksize=65536)
        if expect and got[0] != expect:
            raise IOError("short transfer: %d of %d bytes" % (got[0], expect))
        ftp.quit()
    finally:
        ftp.close()


def worker_process(args, count, offset, queue):
    sources = parse_sources(args.sources)
    lock = threading.Lock()
    state = {"next": 0, "ok": 0, "failed": 0, "stalls": 0, "lat": [], "errors": []}
    deadline = time.monotonic() + args.max_seconds

    def run():
        while True:
            with lock:
                i = state["next"]
                if i >= count or time.monotonic() > deadline:
                    return
                state["next"] = i + 1
            src = sources[(offset + i) % len(sources)]
            t0 = time.monotonic()
            err = None
            try:
                one_session(args.host, args.port, src, args.file, args.timeout, args.expect)
            except (OSError, EOFError, ftplib.Error) as e:
                err = "%s: %s" % (type(e).__name__, e)
            dt = time.monotonic() - t0
            with lock:
                if err is None:
                    state["ok"] += 1
                    state["lat"].append(dt)
                else:
                    state["failed"] += 1
                    if len(state["errors"]) < 5:
                        state["errors"].append(err)
                if dt > args.stall_seconds or (err and "timed out" in err):
                    state["stalls"] += 1

    threads = [threading.Thread(target=run, daemon=True) for _ in range(args.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put({k: state[k] for k in ("ok", "failed", "stalls", "lat", "errors")})


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--file", default="small.bin")
    p.add_argument("--expect", type=int, default=0, help="expected size in bytes (0: any)")
    p.add_argument("--sessions", type=int, default=2000)
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--procs", type=int, default=2)
    p.add_argument("--sources", default="127.0.0.10-127.0.0.41")
    p.add_argument("--timeout", type=float, default=60.0, help="socket timeout per operation, s")
    p.add_argument("--stall-seconds", type=float, default=60.0)
    p.add_argument("--max-seconds", type=float, default=300.0, help="stop starting sessions after this")
    args = p.parse_args()
    procs = max(1, min(args.procs, args.concurrency))
    args.threads = args.concurrency // procs
    queue = multiprocessing.Queue()
    workers = []
    t0 = time.monotonic()
    per = [args.sessions // procs + (1 if i < args.sessions % procs else 0) for i in range(procs)]
    offset = 0
    for i in range(procs):
        w = multiprocessing.Process(target=worker_process, args=(args, per[i], offset, queue))
        offset += per[i]
        w.start()
        workers.append(w)
    results = [queue.get() for _ in workers]
    elapsed = time.monotonic() - t0
    for w in workers:
        w.join()
    lat = sorted(x for r in results for x in r["lat"])
    ok = sum(r["ok"] for r in results)

    def pct(q):
        return round(lat[min(len(lat) - 1, int(q * len(lat)))] * 1000, 2) if lat else None

    print(json.dumps({
        "ok": ok,
        "failed": sum(r["failed"] for r in results),
        "stalls": sum(r["stalls"] for r in results),
        "elapsed_s": round(elapsed, 3),
        "sessions_per_s": round(ok / elapsed, 1) if elapsed > 0 else 0,
        "p50_ms": pct(0.50), "p99_ms": pct(0.99), "max_ms": round(lat[-1] * 1000, 2) if lat else None,
        "errors": [e for r in results for e in r["errors"]][:5],
    }))


if __name__ == "__main__":
    main()
