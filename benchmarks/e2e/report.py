#!/usr/bin/env python3
"""Turns run-e2e.sh's raw.tsv into markdown: per-round numbers, then medians with ratios vs HAProxy.

usage: report.py RAW_TSV CLK_TCK BIG_BYTES

Rows of RAW_TSV (tab-separated):
  retr   ROUND TARGET MIB_S BYTES SECONDS CURL_RC STALL
  cpu    ROUND TARGET PROXY_TICKS BACKEND_TICKS BYTES      (around the round's RETRs)
  sess   ROUND TARGET OK FAILED STALLS SESSIONS_S P50_MS P99_MS PROXY_TICKS
  broken TARGET REASON
"""
import statistics
import sys

ORDER = ["direct", "haproxy", "haproxy-splice", "persistence", "rewrite", "proftpd"]
GIB = 1 << 30


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, digits=1):
    if x is None:
        return "n/a"
    return f"{x:,.{digits}f}"


def ratio(x, ref):
    if x is None or not ref:
        return "n/a"
    return f"{x / ref:.2f}x"


def num(s):
    try:
        return float(s)
    except ValueError:
        return None


def main():
    raw, tck, big = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    retr, cpu, sess, broken = {}, {}, {}, []
    for line in open(raw):
        f = line.rstrip("\n").split("\t")
        if f[0] == "retr":
            retr.setdefault((int(f[1]), f[2]), []).append(
                dict(mib=float(f[3]), bytes=int(f[4]), secs=float(f[5]), rc=int(f[6]), stall=int(f[7])))
        elif f[0] == "cpu":
            cpu[(int(f[1]), f[2])] = dict(proxy=int(f[3]) / tck, backend=int(f[4]) / tck, bytes=int(f[5]))
        elif f[0] == "sess":
            sess[(int(f[1]), f[2])] = dict(ok=int(f[3]), failed=int(f[4]), stalls=int(f[5]), rate=num(f[6]),
                                           p50=num(f[7]), p99=num(f[8]), proxy=int(f[9]) / tck)
        elif f[0] == "broken":
            broken.append((f[1], f[2]))
    rounds = sorted({r for r, _ in list(retr) + list(sess)})
    targets = [t for t in ORDER if any(k[1] == t for k in list(retr) + list(sess))]
    proxied = {"haproxy", "haproxy-splice", "persistence", "rewrite", "proftpd"}

    def per_round(r, t):
        rs = retr.get((r, t), [])
        c = cpu.get((r, t))
        s = sess.get((r, t))
        gib = (c["bytes"] / GIB) if c and c["bytes"] else None
        return dict(
            mib=median([x["mib"] for x in rs]),
            retr_stalls=sum(x["stall"] for x in rs),
            retr_failed=sum(1 for x in rs if x["rc"] != 0 or x["bytes"] != big),
            retrs=len(rs),
            proxy_s_gib=(c["proxy"] / gib) if gib and t in proxied else None,
            backend_s_gib=(c["backend"] / gib) if gib else None,
            rate=s["rate"] if s else None,
            sess_stalls=s["stalls"] if s else 0,
            sess_failed=s["failed"] if s else 0,
            sess_ok=s["ok"] if s else 0,
            p50=s["p50"] if s else None,
            p99=s["p99"] if s else None,
            proxy_ms_sess=(s["proxy"] * 1000 / s["ok"]) if s and s["ok"] and t in proxied else None,
        )

    data = {(r, t): per_round(r, t) for r in rounds for t in targets}

    out = []
    out.append("## Per round")
    out.append("")
    out.append("| round | target | RETR MiB/s | sessions/s | stalls (RETR / sessions) | failed (RETR / sessions) "
               "| proxy CPU s/GiB | backends CPU s/GiB |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|")
    for r in rounds:
        for t in targets:
            d = data[(r, t)]
            out.append(f"| {r} | {t} | {fmt(d['mib'])} | {fmt(d['rate'])} | {d['retr_stalls']} / {d['sess_stalls']} "
                       f"| {d['retr_failed']} / {d['sess_failed']} | {fmt(d['proxy_s_gib'], 2)} "
                       f"| {fmt(d['backend_s_gib'], 2)} |")
    out.append("")

    med = {}
    for t in targets:
        ds = [data[(r, t)] for r in rounds]
        med[t] = dict(
            mib=median([d["mib"] for d in ds]),
            rate=median([d["rate"] for d in ds]),
            proxy_s_gib=median([d["proxy_s_gib"] for d in ds]),
            backend_s_gib=median([d["backend_s_gib"] for d in ds]),
            p50=median([d["p50"] for d in ds]),
            p99=median([d["p99"] for d in ds]),
            proxy_ms_sess=median([d["proxy_ms_sess"] for d in ds]),
            retr_stalls=sum(d["retr_stalls"] for d in ds),
            sess_stalls=sum(d["sess_stalls"] for d in ds),
            retr_failed=sum(d["retr_failed"] for d in ds),
            retrs=sum(d["retrs"] for d in ds),
            sess_failed=sum(d["sess_failed"] for d in ds),
            sess_total=sum(d["sess_ok"] + d["sess_failed"] for d in ds),
        )
    ref = med.get("haproxy", {})
    out.append(f"## Medians over {len(rounds)} round(s), ratios vs HAProxy in the same run")
    out.append("")
    out.append("| target | RETR MiB/s | vs HAProxy | sessions/s | vs HAProxy | stalls (RETR / sessions) "
               "| failed (RETR / sessions) | proxy CPU s/GiB | vs HAProxy | proxy CPU ms/session "
               "| backends CPU s/GiB | session p50 / p99 ms |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for t in targets:
        m = med[t]
        out.append(
            f"| {t} | {fmt(m['mib'])} | {ratio(m['mib'], ref.get('mib'))} | {fmt(m['rate'])} "
            f"| {ratio(m['rate'], ref.get('rate'))} "
            f"| {m['retr_stalls']} of {m['retrs']} / {m['sess_stalls']} of {m['sess_total']} "
            f"| {m['retr_failed']} / {m['sess_failed']} "
            f"| {fmt(m['proxy_s_gib'], 2)} | {ratio(m['proxy_s_gib'], ref.get('proxy_s_gib'))} "
            f"| {fmt(m['proxy_ms_sess'], 3)} | {fmt(m['backend_s_gib'], 2)} | {fmt(m['p50'], 1)} / {fmt(m['p99'], 1)} |")
    for t, why in broken:
        out.append(f"| {t} | failed: {why} | | | | | | | | | | |")
    if "direct" in med and med["direct"]["rate"] is not None:
        out.append("")
        verdict = "not the bottleneck" if med["direct"]["rate"] >= 1000 else "MAY BE THE BOTTLENECK (below 1,000/s)"
        out.append(f"Load generator check: direct to vsftpd reached {med['direct']['rate']:,.0f} sessions/s: {verdict}.")
    print("\n".join(out))


if __name__ == "__main__":
    main()
