"""`kill -9` while an output is written: the previous output is intact or fully replaced (issue 19).

A child process writes versions of a ~4 MB output one after the other, through `write_output`
(the writer of `reasoner run`), and is killed with SIGKILL at a random moment (seeded);
after each kill the file must be, byte for byte (SHA-256), one complete version no older than
the one before.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]
ROWS = 20_000  # about 4 MB per version
PAD = "abcdefghijklmnopqrstuvwxyz" * 8

CHILD = r"""
import sys
from pathlib import Path
from reasoner.ast import IODirective
from reasoner.facts_io import write_output
from reasoner.program import RelationSchema

out, first, rows, pad = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
directive = IODirective("output", "big")
schema = RelationSchema("big", ("version", "key", "payload"), ("number", "number", "symbol"),
                        ("number", "number", "symbol"))
print("ready", flush=True)
version = first
while True:
    tuples = {(version, k, f"payload-{version}-{k:08d}-{pad}") for k in range(rows)}
    write_output(directive, schema, tuples, out)
    version += 1
"""


def expected_digest(version: int) -> str:
    """The SHA-256 of the complete file of `version`, as `write_outputs` writes it (sorted)."""
    text = "".join(f"{version}\t{k}\tpayload-{version}-{k:08d}-{PAD}\n"
                   for k in range(ROWS))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_outputs_survive_sigkill_at_random_points(tmp_path):
    rng = random.Random(19)
    target = tmp_path / "big.csv"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    digests: dict[int, str] = {}
    version, kills, replaced = 0, 0, 0
    started = time.monotonic()
    while kills < 50:
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path), str(version + 1), str(ROWS), PAD],
                                 stdout=subprocess.PIPE, env=env)
        assert child.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0.0, 0.8))
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        kills += 1
        if not target.exists():
            assert version == 0, "the output disappeared"
            continue
        data = target.read_bytes()
        head = data.split(b"\t", 1)[0]
        assert head.isdigit(), f"kill {kills}: the output is torn ({len(data):,} bytes)"
        found = int(head)
        assert found >= version, f"kill {kills}: version {found} replaced the newer {version}"
        if found not in digests:
            digests[found] = expected_digest(found)
        assert hashlib.sha256(data).hexdigest() == digests[found], f"kill {kills}: version {found} is torn"
        replaced += found != version
        version = found
        for stray in tmp_path.glob(".big.csv.*.tmp"):  # what a kill leaves behind, at most
            stray.unlink()
    assert replaced >= 5, "the kills should land both during and between writes"
    assert time.monotonic() - started < 120
