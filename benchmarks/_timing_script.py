"""Run inside a subprocess by runtime_bench.py: time N send_metrics calls and print JSON figures.

Works under the original polyaxon-helper (Python 3.7) and under ours: only the standard library here.
argv: N, then 'flush' to wait for delivery and count it.
"""
import json
import sys
import time

t0 = time.perf_counter()
from polyaxon_helper import send_metrics  # noqa: E402

import_seconds = time.perf_counter() - t0
n = int(sys.argv[1])
durations = []
clock = time.perf_counter_ns
for i in range(n):
    start = clock()
    send_metrics(loss=0.5, accuracy=0.25, step=i)
    durations.append(clock() - start)
durations.sort()
loop_end = time.perf_counter()
print(json.dumps({
    "import_seconds": import_seconds,
    "median_us": durations[len(durations) // 2] / 1000.0,
    "p99_us": durations[int(len(durations) * 0.99)] / 1000.0,
    "loop_end": loop_end,
}))
sys.stdout.flush()
