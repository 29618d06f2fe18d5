#!/usr/bin/env python3
"""Data-port pool under churn and abuse, through a proxy (stdlib only).

Churn: CLIENTS control sessions, each from its own source address, run RETRS small downloads in a
row (one data connection each, EPSV), all at once, one process each; reports data connections per second and every
425. Flood (optional): one more session from its own address sends PASV in a loop (FLOOD times)
without ever connecting, while the churn runs; reports how many 227s and 425s it drew. The pool
holds when the churn sees 0 failures whatever the flood does.

Prints one JSON object.
"""
import argparse
import ftplib
import json
import socket
import multiprocessing
import time


class Session(ftplib.FTP):
    def makepasv(self):
        untyped = self.sendcmd('EPSV')
        port = int(untyped.split('(')[1].split('|')[3])
        return self.host, port


def churn(host, port, source, retrs, file):
    ok = failed = 0
    errors = []
    try:
        ftp = Session(source_address=(source, 0), timeout=30)
        ftp.connect(host, port)
        ftp.login('anonymous', 'pool@')
        ftp.voidcmd('TYPE I')
        for _ in range(retrs):
            try:
                with ftp.transfercmd('RETR ' + file) as conn:
                    while conn.recv(65536):
                        pass
                ftp.voidresp()
                ok += 1
            except ftplib.all_errors as e:
                failed += 1
                if len(errors) < 3:
                    errors.append(str(e)[:80])
        ftp.quit()
    except ftplib.all_errors as e:
        errors.append('session: ' + str(e)[:80])
    return ok, failed, errors


def flood(host, port, source, count):
    granted = refused = 0
    ftp = Session(source_address=(source, 0), timeout=30)
    ftp.connect(host, port)
    ftp.login('anonymous', 'flood@')
    for _ in range(count):
        try:
            ftp.putcmd('PASV')
            line = ftp.getresp()
            granted += line.startswith('227')
        except ftplib.error_temp as e:
            refused += str(e).startswith('425')
    ftp.quit()
    return granted, refused


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--host', required=True)
    p.add_argument('--port', type=int, required=True)
    p.add_argument('--file', default='small.bin')
    p.add_argument('--clients', type=int, default=16)
    p.add_argument('--retrs', type=int, default=400)
    p.add_argument('--flood', type=int, default=0)
    a = p.parse_args()
    # one process per client: the GIL would otherwise cap the rate long before the proxy does
    pool = multiprocessing.get_context('fork').Pool(a.clients + 1)
    start = time.perf_counter()
    pending = [pool.apply_async(churn, (a.host, a.port, '127.0.1.%d' % (10 + i), a.retrs, a.file))
               for i in range(a.clients)]
    flooding = pool.apply_async(flood, (a.host, a.port, '127.0.2.10', a.flood)) if a.flood else None
    results = [r.get(600) for r in pending]
    elapsed = time.perf_counter() - start
    flooded = [flooding.get(600)] if flooding else []
    pool.close()
    ok = sum(r[0] for r in results)
    failed = sum(r[1] for r in results)
    print(json.dumps({
        'data_connections': ok, 'failed': failed, 'elapsed_s': round(elapsed, 3),
        'data_connections_per_s': round(ok / elapsed, 1),
        'flood_227': flooded[0][0] if flooded else None, 'flood_425': flooded[0][1] if flooded else None,
        'errors': [e for r in results for e in r[2]][:5]}))


if __name__ == '__main__':
    main()
