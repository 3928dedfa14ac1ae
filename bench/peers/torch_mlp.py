"""PyTorch peer for bench/workloads.ts: training steps per second of the four workloads.

Usage: python3 torch_mlp.py THREADS WORKLOADS_JSON PROTOCOL_JSON
WORKLOADS_JSON is a list of {name, widths, activation, loss, batch} (bench/workloads.ts);
PROTOCOL_JSON the timing protocol of bench/step-rate.ts (warmUpSeconds, warmUpSteps, windows,
windowSeconds), implemented the same way here. Prints one JSON object per line: a header
{"torch", "threads", "threadpoolctl"} and then one row per workload.

The caller sets OMP_NUM_THREADS / OPENBLAS_NUM_THREADS (and OMP_WAIT_POLICY=PASSIVE for more
than one thread: otherwise OpenMP spin-waits against OpenBLAS's threads) before this process
starts; torch.set_num_threads alone does not limit OpenBLAS, so threadpoolctl caps it as well
when it is installed.
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

WARM_UP_CAP_SECONDS = 5
LEARNING_RATE = 0.01
MOMENTUM = 0.9


def build(workload, seed):
    torch.manual_seed(seed)
    widths = workload["widths"]
    activation = torch.nn.Tanh if workload["activation"] == "tanh" else torch.nn.ReLU
    layers = []
    for i in range(1, len(widths)):
        layers.append(torch.nn.Linear(widths[i - 1], widths[i]))
        if i < len(widths) - 1:
            layers.append(activation())
    batch = workload["batch"]
    gen = torch.Generator().manual_seed(seed)
    x = torch.rand(batch, widths[0], generator=gen) * 2 - 1
    if workload["loss"] == "bce":
        layers.append(torch.nn.Sigmoid())
        loss_fn = torch.nn.BCELoss()
        y = (torch.rand(batch, 1, generator=gen) >= 0.5).float()
    else:
        loss_fn = torch.nn.CrossEntropyLoss()
        y = torch.randint(0, widths[-1], (batch,), generator=gen)
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM)

    def step():
        # set_to_none matches torch 2.x's default (and modelspec's zeroGrad).
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        loss.item()

    return step


def measure(step, protocol):
    start = time.perf_counter()
    warmed = 0
    while True:
        step()
        warmed += 1
        elapsed = time.perf_counter() - start
        if (warmed >= protocol["warmUpSteps"] and elapsed >= protocol["warmUpSeconds"]) or (
            elapsed >= WARM_UP_CAP_SECONDS
        ):
            break
    samples, cpu_samples, steps = [], [], 0
    count = protocol["windows"]
    w = 0
    while w < count:
        cpu_start = time.process_time()
        start = time.perf_counter()
        n = 0
        while True:
            step()
            n += 1
            elapsed = time.perf_counter() - start
            if elapsed >= protocol["windowSeconds"]:
                break
        samples.append(n / elapsed)
        cpu_samples.append(n / max(time.process_time() - cpu_start, 1e-9))
        steps += n
        if w == 0 and elapsed / n > protocol["windowSeconds"] / 4:
            count = min(count, 3)
        w += 1
    return {
        "stepsPerSecond": statistics.median(samples),
        "cpuStepsPerSecond": statistics.median(cpu_samples),
        "samples": samples,
        "steps": steps,
    }


def main():
    threads = int(sys.argv[1])
    workloads = json.loads(sys.argv[2])
    protocol = json.loads(sys.argv[3])
    torch.set_num_threads(threads)
    header = {"torch": torch.__version__, "threads": threads, "threadpoolctl": threadpool_limits is not None}
    print(json.dumps(header), flush=True)
    limit = threadpool_limits(threads) if threadpool_limits else contextlib.nullcontext()
    with limit:
        for workload in workloads:
            row = {"workload": workload["name"], **measure(build(workload, 1), protocol)}
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
