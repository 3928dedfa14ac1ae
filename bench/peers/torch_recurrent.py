"""PyTorch peer for bench/recurrent.ts: training steps per second of small recurrent language
models: token embeddings (or, with "embedding": false, fixed feature vectors in their place), nn.GRU
/ nn.LSTM / nn.RNN with batch_first=True, nn.Linear over every step, cross-entropy over every
position, SGD with momentum.

Usage: python3 torch_recurrent.py THREADS WORKLOADS_JSON PROTOCOL_JSON
WORKLOADS_JSON is a list of {name, cell, embedding, vocab, time, embed, hidden, batch}
(bench/recurrent.ts);
PROTOCOL_JSON the timing protocol of bench/step-rate.ts, measured by torch_mlp.py's `measure`.
Prints a header line {"torch", "threads", "threadpoolctl"}, then one JSON row per workload.
"""

import contextlib
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_mlp import LEARNING_RATE, MOMENTUM, measure, threadpool_limits  # noqa: E402


def build(workload, seed):
    torch.manual_seed(seed)
    cell = {"gru": torch.nn.GRU, "lstm": torch.nn.LSTM, "rnn": torch.nn.RNN}[workload["cell"]]
    vocab, time, embed, hidden, batch = (workload[k] for k in ("vocab", "time", "embed", "hidden", "batch"))
    recurrent = cell(embed, hidden, batch_first=True)
    head = torch.nn.Linear(hidden, vocab)
    params = [*recurrent.parameters(), *head.parameters()]
    gen = torch.Generator().manual_seed(seed)
    if workload["embedding"]:
        embedding = torch.nn.Embedding(vocab, embed)
        params += list(embedding.parameters())
        idx = torch.randint(0, vocab, (batch, time), generator=gen)
    else:
        features = torch.rand(batch, time, embed, generator=gen) * 2 - 1

        def embedding(_):
            return features

        idx = None
    targets = torch.randint(0, vocab, (batch, time), generator=gen)
    opt = torch.optim.SGD(params, lr=LEARNING_RATE, momentum=MOMENTUM)

    def step():
        opt.zero_grad(set_to_none=True)
        logits = head(recurrent(embedding(idx))[0])
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, vocab), targets.reshape(-1))
        loss.backward()
        opt.step()
        loss.item()

    return step


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
            print(json.dumps({"workload": workload["name"], **measure(build(workload, 1), protocol)}), flush=True)


if __name__ == "__main__":
    main()
