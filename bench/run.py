#!/usr/bin/env python3
"""The benchmark: ``python bench/run.py`` (a few minutes; ``--quick`` for about one).

In one run on one machine it:

1. times process start to first HTTP answer of ``biteship-sandbox`` on an empty store
   (median of 5 starts);
2. drives a trivial Flask echo app (``bench/echo_app.py``, same WSGI server, same
   thread count) with wrk, one run per operation, for the ceiling of this stack;
3. drives the sandbox, started with the documented command
   (``biteship-sandbox --port P --db FILE --seed 0``), with the same wrk script:
   create, retrieve, rates, update, confirm: throughput, p50, p99, and the ratio of
   each throughput to the echo app's;
4. for 100 / 10,000 / 100,000 drafts already stored: start to first answer, create
   p50/p99 and resident memory (VmRSS) of the server process.

Stores are preloaded in-process through ``sandbox.store.Store`` (one transaction per
draft, no fsync while preloading), with copies of drafts that the sandbox itself
created, each under a fresh id; the server is then started on that file. Needs
``wrk`` (Debian: ``apt-get install -y wrk``).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
LUA = BENCH / "wrk" / "ops.lua"
KEY = "biteship_test.bench"
OPS = ("create", "retrieve", "rates", "update", "confirm")

#: The README walkthrough's draft (no courier: status "placed").
DRAFT = {
    "origin_contact_name": "Amir",
    "origin_contact_phone": "081234567890",
    "origin_address": "Plaza Senayan",
    "origin_postal_code": 12440,
    "destination_contact_name": "John Doe",
    "destination_contact_phone": "088888888888",
    "destination_address": "Lebak Bulus MRT",
    "destination_postal_code": 12950,
    "delivery_type": "now",
    "items": [{"name": "Black L", "value": 165000, "quantity": 1, "weight": 200}],
}
COURIER = {"courier_company": "sicepat", "courier_type": "reg"}

TARGETS = {
    "create_ratio": 0.6,
    "retrieve_ratio": 0.6,
    "p50_growth": 1.5,
    "start_s": 1.0,
    "rss_100k_mb": 300.0,
}


# --- processes ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sandbox_command(port: int, db: Path, threads: int) -> list[str]:
    exe = shutil.which("biteship-sandbox")
    base = [exe] if exe else [sys.executable, "-m", "sandbox"]
    return base + ["--port", str(port), "--db", str(db), "--seed", "0", "--threads", str(threads)]


def echo_command(port: int, threads: int) -> list[str]:
    return [sys.executable, str(BENCH / "echo_app.py"), "--port", str(port), "--threads", str(threads)]


@dataclass
class Server:
    name: str
    port: int
    proc: subprocess.Popen
    started: float
    log: Path

    @classmethod
    def start(cls, name: str, command: list[str], port: int, workdir: Path) -> "Server":
        log = workdir / f"{name}.log"
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=open(log, "wb"), cwd=ROOT)
        return cls(name, port, proc, started, log)

    def wait_first_answer(self, timeout: float = 30.0) -> float:
        """Seconds from spawning the process to its first HTTP answer (any status)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"{self.name} exited with {self.proc.returncode}:\n{self.log.read_text()[-2000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/v1/draft_orders/first-answer", headers={"authorization": KEY})
                conn.getresponse().read()
                conn.close()
                return time.perf_counter() - self.started
            except OSError:
                time.sleep(0.002)
        raise SystemExit(f"{self.name} did not answer within {timeout} s:\n{self.log.read_text()[-2000:]}")

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# --- preloading stores ----------------------------------------------------------------


def preload(db: Path, placed: int, ready: int) -> dict[str, list[str]]:
    """A store file holding ``placed`` drafts without courier and ``ready`` with one.

    The two template drafts are made by the sandbox itself (in-process app, in
    memory); the file gets copies under fresh ids, one transaction per draft, plus
    the account document.
    """
    sys.path.insert(0, str(ROOT))
    from sandbox import create_app
    from sandbox.store import Store

    app = create_app({"DB": ":memory:", "SEED": 0})
    client = app.test_client()
    headers = {"authorization": KEY}
    templates = {}
    for kind, body in (("placed", DRAFT), ("ready", {**DRAFT, **COURIER})):
        resp = client.post("/v1/draft_orders", json=body, headers=headers)
        assert resp.status_code == 201, resp.get_data(as_text=True)
        templates[kind] = app.extensions["sandbox"].store.get("draft_orders", resp.get_json()["id"])
        assert templates[kind]["status"] == kind, templates[kind]["status"]
    user_id = templates["placed"]["user_id"]
    account = app.extensions["sandbox"].store.get("accounts", user_id)

    store = Store(db, fsync=False)
    ids: dict[str, list[str]] = {"placed": [], "ready": []}
    with store.transaction() as tx:
        tx.put("accounts", user_id, account)
    serial = 0
    for kind, count in (("placed", placed), ("ready", ready)):
        for _ in range(count):
            serial += 1
            doc = dict(templates[kind], id=str(uuid.uuid4()), invoice_id=f"{9 * 10**15 + serial}")
            with store.transaction() as tx:
                tx.put("draft_orders", doc["id"], doc)
            ids[kind].append(doc["id"])
    store.close()
    # Written without fsync for speed: flush it now, or the server's first fsync would
    # have to write back the whole preloaded file and show up as a latency spike.
    fd = os.open(db, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return ids


# --- wrk ------------------------------------------------------------------------------


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


def run_wrk(port: int, op: str, seconds: float, connections: int, workdir: Path, ids: list[str] | None) -> Result:
    env = dict(os.environ, BENCH_OP=op, BENCH_KEY=KEY, BENCH_WRK_THREADS="1")
    if op in ("create", "update"):
        body = workdir / f"{op}.json"
        body.write_text(json.dumps(DRAFT if op == "create" else COURIER))
        env["BENCH_BODY"] = str(body)
    if op != "create":
        ids_file = workdir / f"{op}-{port}.ids"
        ids_file.write_text("\n".join(ids or ["no-such-draft"]) + "\n")
        env["BENCH_IDS"] = str(ids_file)
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s", "-s", str(LUA),
           f"http://127.0.0.1:{port}"]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    line = next((ln for ln in out.splitlines() if ln.startswith("BENCH ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no result:\n{out}")
    r = json.loads(line[6:])
    errors = r["non2xx"] + r["connect"] + r["read"] + r["write"] + r["timeout"]
    return Result(r["requests"] / (r["duration_us"] / 1e6), r["p50_us"] / 1000, r["p99_us"] / 1000, r["requests"], errors)


# --- the run ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=5, help="seconds per wrk run (default %(default)s)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default %(default)s)")
    parser.add_argument("--threads", type=int, default=8, help="server worker threads (default %(default)s)")
    parser.add_argument("--sizes", default="100,10000,100000", help="stored drafts for the scale runs")
    parser.add_argument("--quick", action="store_true", help="2 s runs, sizes 100 and 10000")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.sizes = 2, "100,10000"
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if shutil.which("wrk") is None:
        print("bench: wrk not found; install it (Debian/Ubuntu: apt-get install -y wrk)", file=sys.stderr)
        return 2

    report: dict = {"duration_s": args.duration, "connections": args.connections, "threads": args.threads,
                    "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="sandbox-bench-") as tmp:
        work = Path(tmp)

        # 1. start to first answer, empty store
        starts = []
        for i in range(5):
            port = free_port()
            server = Server.start("sandbox-start", sandbox_command(port, work / f"start{i}.json", args.threads), port, work)
            starts.append(server.wait_first_answer())
            server.stop()
        report["start_s"] = statistics.median(starts)
        print(f"start to first answer (empty store): median {report['start_s']:.3f} s, "
              f"min {min(starts):.3f} s, max {max(starts):.3f} s", flush=True)

        # 2. echo ceiling
        port = free_port()
        echo = Server.start("echo", echo_command(port, args.threads), port, work)
        echo.wait_first_answer()
        run_wrk(port, "retrieve", 1, args.connections, work, ["warm-up"])
        fake_ids = [str(uuid.uuid4()) for _ in range(100)]
        report["echo"] = {op: vars(run_wrk(port, op, args.duration, args.connections, work, fake_ids)) for op in OPS}
        report["echo_rss_mb"] = echo.rss_mb()
        echo.stop()

        # 3. the sandbox, operation by operation
        confirm_pool = int(report["echo"]["confirm"]["rps"] * args.duration * 1.2) + 500
        t = time.perf_counter()
        ids = preload(work / "ops.json", placed=1000, ready=confirm_pool)
        print(f"preloaded 1000 placed + {confirm_pool} ready drafts in {time.perf_counter() - t:.1f} s", flush=True)
        port = free_port()
        sandbox = Server.start("sandbox-ops", sandbox_command(port, work / "ops.json", args.threads), port, work)
        sandbox.wait_first_answer()
        run_wrk(port, "retrieve", 1, args.connections, work, ids["placed"])
        report["sandbox"] = {}
        for op in OPS:
            pool = ids["ready"] if op == "confirm" else ids["placed"]
            report["sandbox"][op] = vars(run_wrk(port, op, args.duration, args.connections, work, pool))
        report["sandbox_ops_rss_mb"] = sandbox.rss_mb()
        sandbox.stop()

        print()
        print(f"wrk -t1 -c{args.connections} -d{args.duration:g}s, server threads {args.threads}, {os.cpu_count()} CPUs")
        print()
        print("| operation | sandbox req/s | p50 ms | p99 ms | echo req/s | echo p50 ms | ratio | errors |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for op in OPS:
            s, e = report["sandbox"][op], report["echo"][op]
            s["ratio"] = s["rps"] / e["rps"]
            print(f"| {op} | {s['rps']:.0f} | {s['p50_ms']:.2f} | {s['p99_ms']:.2f} | {e['rps']:.0f} | "
                  f"{e['p50_ms']:.2f} | {s['ratio']:.2f} | {s['errors']} |")
        print(flush=True)

        # 4. scale: drafts already stored
        report["sizes"] = {}
        for n in sizes:
            db = work / f"size{n}.json"
            t = time.perf_counter()
            ids = preload(db, placed=n, ready=0)
            made = time.perf_counter() - t
            port = free_port()
            server = Server.start(f"sandbox-{n}", sandbox_command(port, db, args.threads), port, work)
            start = server.wait_first_answer()
            rss_start = server.rss_mb()
            run_wrk(port, "retrieve", 1, args.connections, work, ids["placed"][:1000])
            create = run_wrk(port, "create", args.duration, args.connections, work, None)
            report["sizes"][n] = {"start_s": start, "rss_start_mb": rss_start, "rss_after_mb": server.rss_mb(),
                                  "file_mb": db.stat().st_size / 2**20, "preload_s": made, **vars(create)}
            server.stop()
            db.unlink()
            r = report["sizes"][n]
            print(f"{n:>7} drafts stored (file {r['file_mb']:.0f} MB, preloaded in {made:.1f} s): start {start:.2f} s, "
                  f"create {create.rps:.0f} req/s p50 {create.p50_ms:.2f} ms p99 {create.p99_ms:.2f} ms, "
                  f"RSS {rss_start:.0f} MB at start, {r['rss_after_mb']:.0f} MB after", flush=True)

    print()
    print("| drafts stored | start to first answer s | create req/s | create p50 ms | create p99 ms | RSS MB |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for n, r in report["sizes"].items():
        print(f"| {n:,} | {r['start_s']:.2f} | {r['rps']:.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['rss_after_mb']:.0f} |")

    checks = [
        ("create throughput / echo", report["sandbox"]["create"]["ratio"], ">=", TARGETS["create_ratio"]),
        ("retrieve throughput / echo", report["sandbox"]["retrieve"]["ratio"], ">=", TARGETS["retrieve_ratio"]),
        ("start to first answer s", report["start_s"], "<", TARGETS["start_s"]),
    ]
    if sizes:
        small, large = report["sizes"][min(sizes)], report["sizes"][max(sizes)]
        checks.append((f"create p50 at {max(sizes):,} / at {min(sizes):,}", large["p50_ms"] / small["p50_ms"], "<=",
                       TARGETS["p50_growth"]))
        if 100_000 in report["sizes"]:
            checks.append(("RSS MB at 100,000 drafts", report["sizes"][100_000]["rss_after_mb"], "<",
                           TARGETS["rss_100k_mb"]))
    print()
    print("| target | measured | wanted | |")
    print("| --- | ---: | ---: | --- |")
    failed = 0
    for name, value, cmp, wanted in checks:
        ok = value >= wanted if cmp == ">=" else value <= wanted if cmp == "<=" else value < wanted
        failed += not ok
        print(f"| {name} | {value:.2f} | {cmp} {wanted:g} | {'ok' if ok else 'MISSED'} |")
    report["checks"] = [{"name": n, "value": v, "cmp": c, "wanted": w} for n, v, c, w in checks]
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
