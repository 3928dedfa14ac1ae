"""PyTorch peer for bench/matmul.ts: fp32 matmul GFLOP/s, one JSON object per line on stdout.

Usage: python3 torch_matmul.py wall|cpu median|best THREADS N [N ...]
"cpu" times with process CPU time (robust on a loaded machine, meaningful for one thread only);
"best" reports the fastest sample instead of the median.
The caller sets OMP_NUM_THREADS / OPENBLAS_NUM_THREADS (and OMP_WAIT_POLICY=PASSIVE for more
than one thread) before this process starts; torch.set_num_threads alone does not limit
OpenBLAS, so threadpoolctl caps it as well when installed.
"""

import contextlib
import json
import statistics
import sys
import time

import torch

try:
    from threadpoolctl import threadpool_limits
except ImportError:
    threadpool_limits = None

SAMPLES = 7
MIN_SAMPLE_SECONDS = 0.05


def seconds_per_call(fn, clock, statistic):
    for _ in range(3):
        fn()
    reps = 1
    while True:
        start = clock()
        for _ in range(reps):
            fn()
        elapsed = clock() - start
        if elapsed >= MIN_SAMPLE_SECONDS:
            break
        reps *= 2
    samples = []
    for _ in range(SAMPLES):
        start = clock()
        for _ in range(reps):
            fn()
        samples.append((clock() - start) / reps)
    return min(samples) if statistic == "best" else statistics.median(samples)


def main():
    clock = time.process_time if sys.argv[1] == "cpu" else time.perf_counter
    statistic = sys.argv[2]
    threads = int(sys.argv[3])
    sizes = [int(s) for s in sys.argv[4:]]
    torch.set_num_threads(threads)
    limit = threadpool_limits(threads) if threadpool_limits else contextlib.nullcontext()
    with limit, torch.no_grad():
        for n in sizes:
            gen = torch.Generator().manual_seed(n)
            a = torch.rand(n, n, generator=gen)
            b = torch.rand(n, n, generator=gen)
            # Transposed views: torch hands the transpose flag to BLAS without copying.
            variants = {"A·B": lambda: a @ b, "Aᵀ·B": lambda: a.t() @ b, "A·Bᵀ": lambda: a @ b.t()}
            for variant, fn in variants.items():
                secs = seconds_per_call(fn, clock, statistic)
                row = {"variant": variant, "n": n, "gflops": 2 * n**3 / secs / 1e9}
                print(json.dumps(row, ensure_ascii=False), flush=True)
    print(json.dumps({"threadpoolctl": threadpool_limits is not None, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
