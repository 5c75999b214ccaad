"""Shared scaffolding for the end-to-end tests: the namespace topology (built and always
torn down), processes started inside it and stopped by PID, and the skip rule: a test that
cannot build namespaces skips (exit 77) on a developer's desktop and fails under CI."""
import os
import random
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOPOLOGY = HERE / "topology.sh"
SKIP = 77


def require_namespaces():
    r = subprocess.run(["bash", str(TOPOLOGY), "check"], capture_output=True, text=True)
    if r.returncode == 0:
        return
    reason = r.stderr.strip() or "cannot build network namespaces"
    if os.environ.get("CI") == "true":
        print(f"FAIL: {reason} (under CI the end-to-end tests must run)", file=sys.stderr)
        sys.exit(1)
    print(f"SKIP: {reason}", file=sys.stderr)
    sys.exit(SKIP)


class Topology:
    """Context manager: `with Topology() as net: net.run("a", [...])`."""

    def __init__(self):
        self.prefix = "tp%05d" % random.randrange(100000)
        self.procs = []

    def __enter__(self):
        subprocess.run(["bash", str(TOPOLOGY), "down", self.prefix], check=False)
        subprocess.run(["bash", str(TOPOLOGY), "up", self.prefix], check=True)
        return self

    def __exit__(self, *exc):
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        subprocess.run(["bash", str(TOPOLOGY), "down", self.prefix], check=False)
        return False

    def ns(self, host):
        return f"{self.prefix}-{host}"

    def cmd(self, host, argv):
        return ["ip", "netns", "exec", self.ns(host)] + [str(a) for a in argv]

    def run(self, host, argv, timeout=30, check=True):
        return subprocess.run(self.cmd(host, argv), capture_output=True, text=True,
                              timeout=timeout, check=check)

    def start(self, host, argv, **kw):
        p = subprocess.Popen(self.cmd(host, argv), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, **kw)
        self.procs.append(p)
        return p

    def topo(self, *args, check=True):
        return subprocess.run(["bash", str(TOPOLOGY), args[0], self.prefix, *args[1:]],
                              capture_output=True, text=True, check=check)

    def namespaces(self):
        out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
        return [line.split()[0] for line in out.splitlines()
                if line.startswith(self.prefix + "-")]
