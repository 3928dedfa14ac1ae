#!/usr/bin/python3
"""Reference networks from PyTorch for modelspec's whole-model parity test.

Run with `/usr/bin/python3 scripts/torch_networks.py` (needs torch; CI does not: the JSON it writes
is committed, and test/runtime/parity.test.ts only reads it). Deterministic: every weight and
input comes from one seeded torch generator, in a fixed order.

Each network here is the torch twin of one spec in test/specs/parity/. Its state_dict names are
the spec's parameter names (a `layers` stack is an nn.Sequential called `layers`), registered in
the order modelspec lists them: declared parameters first, then the stack's.

Weights and inputs are drawn in float64, then rounded to float32, so that our float32 model and
this float64 reference start from the same numbers and differ only in arithmetic.

Writes test/fixtures/networks.json: for each network the spec file, the mode (train/eval), the
inputs, the state dict (torch order), every output, the loss, and the gradient of the loss for
every parameter (null for a frozen one, whose .grad torch leaves as None).
"""

import json
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
GEN = torch.Generator().manual_seed(4_2026_11_27)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "networks.json")


def as_float32(t):
    return t.to(torch.float32).to(torch.float64)


def randn(*shape, scale=1.0):
    return as_float32(torch.randn(shape, generator=GEN) * scale)


def uniform(lo, hi, *shape):
    return as_float32(lo + (hi - lo) * torch.rand(shape, generator=GEN))


def labels(n, c):
    return torch.randint(0, c, (n,), generator=GEN)


def bits(*shape):
    return torch.randint(0, 2, shape, generator=GEN).to(torch.float64)


def param(*shape, scale):
    return nn.Parameter(uniform(-scale, scale, *shape))


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def described(t):
    if t.dtype == torch.int64:
        return {"shape": list(t.shape), "values": [int(v) for v in t.reshape(-1).tolist()], "dtype": "int32"}
    return {"shape": list(t.shape), "values": flat(t), "dtype": "float32"}


def draw_sequential(seq):
    """nn.Linear's own init uses the global generator; redraw from ours (nn.Linear's bounds).
    BatchNorm's weight, bias and running statistics are drawn too, so that none is trivial."""
    for module in seq:
        if isinstance(module, nn.Linear):
            bound = 1 / math.sqrt(module.in_features)
            with torch.no_grad():
                module.weight.copy_(uniform(-bound, bound, *module.weight.shape))
                if module.bias is not None:
                    module.bias.copy_(uniform(-bound, bound, *module.bias.shape))
        elif isinstance(module, nn.modules.batchnorm._BatchNorm):
            with torch.no_grad():
                if module.affine:
                    module.weight.copy_(uniform(0.5, 1.5, *module.weight.shape))
                    module.bias.copy_(uniform(-0.5, 0.5, *module.bias.shape))
                module.running_mean.copy_(randn(*module.running_mean.shape, scale=0.3))
                module.running_var.copy_(uniform(0.5, 2, *module.running_var.shape))
                module.num_batches_tracked.fill_(3)
        elif isinstance(module, nn.Embedding):
            with torch.no_grad():
                module.weight.copy_(randn(*module.weight.shape))
                module.weight[module.padding_idx].fill_(0)
        elif isinstance(module, nn.LayerNorm):
            with torch.no_grad():
                module.weight.copy_(uniform(0.5, 1.5, *module.weight.shape))
                module.bias.copy_(uniform(-0.5, 0.5, *module.bias.shape))
    return seq


def draw_recurrent(module):
    """nn.RNN/GRU/LSTM's init is U(-1/sqrt(hidden), 1/sqrt(hidden)) for every parameter, drawn
    from the global generator; redraw from ours with the same bound."""
    bound = 1 / math.sqrt(module.hidden_size)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(uniform(-bound, bound, *p.shape))
    return module


class LayersBatchNorm(nn.Module):
    """A `layers` stack whose state dict interleaves parameters and buffers, module by module."""

    def __init__(self, *modules):
        super().__init__()
        self.layers = draw_sequential(nn.Sequential(*modules))

    def forward(self, x, y):
        logits = self.layers(x)
        return {"logits": logits}, F.cross_entropy(logits, y)


class LayersOnIds(LayersBatchNorm):
    """A `layers` stack that starts with an embedding of int ids."""

    def forward(self, ids, y):
        return super().forward(ids, y)


class MlpGraph(nn.Module):
    def __init__(self):
        super().__init__()
        self.W1 = param(4, 8, scale=0.5)
        self.b1 = param(8, scale=0.1)
        self.W2 = param(8, 3, scale=0.5)
        self.b2 = param(3, scale=0.1)

    def forward(self, x, y):
        hidden = F.relu(x @ self.W1 + self.b1)
        logits = hidden @ self.W2 + self.b2
        return {"logits": logits}, F.cross_entropy(logits, y)


class LayersStack(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = draw_sequential(nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 3)))

    def forward(self, x, y):
        logits = self.layers(x)
        return {"logits": logits}, F.cross_entropy(logits, y)


class SigmoidBce(nn.Module):
    def __init__(self):
        super().__init__()
        self.W1 = param(3, 6, scale=0.8)
        self.b1 = param(6, scale=0.1)
        self.W2 = param(6, 1, scale=0.8)
        self.b2 = param(1, scale=0.1)

    def forward(self, x, y):
        hidden = F.softplus(x @ self.W1 + self.b1)
        prob = torch.sigmoid(hidden @ self.W2 + self.b2)
        return {"prob": prob}, F.binary_cross_entropy(prob, y)


class TanhMse(nn.Module):
    def __init__(self):
        super().__init__()
        self.W1 = param(3, 5, scale=0.8)
        self.b1 = param(5, scale=0.1)
        self.W2 = param(5, 2, scale=0.8)
        self.b2 = param(2, scale=0.1)

    def forward(self, x, y):
        hidden = torch.tanh(x @ self.W1 + self.b1)
        prediction = hidden @ self.W2 + self.b2
        return {"prediction": prediction}, F.mse_loss(prediction, y)


class Frozen(nn.Module):
    def __init__(self):
        super().__init__()
        self.E = nn.Parameter(randn(4, 6, scale=0.5), requires_grad=False)
        self.W = param(6, 3, scale=0.5)
        self.b = param(3, scale=0.1)

    def forward(self, x, y):
        features = F.relu(x @ self.E)
        logits = features @ self.W + self.b
        return {"logits": logits}, F.cross_entropy(logits, y)


class Mixed(nn.Module):
    def __init__(self):
        super().__init__()
        self.W = param(6, 3, scale=0.5)
        self.b = param(3, scale=0.1)
        self.layers = draw_sequential(
            nn.Sequential(nn.Linear(4, 8), nn.GELU(), nn.Dropout(0.3), nn.Linear(8, 6), nn.ELU())
        )

    def forward(self, x, y):
        h = self.layers(x)
        logits = h @ self.W + self.b
        probs = F.softmax(logits, dim=-1)
        loss = F.nll_loss(F.log_softmax(logits, dim=-1), y)
        return {"logits": logits, "probs": probs}, loss


class KitchenSink(nn.Module):
    def __init__(self):
        super().__init__()
        self.W1 = param(6, 4, scale=0.6)
        self.b1 = param(4, scale=0.1)
        self.W2 = param(6, 4, scale=0.6)
        self.W3 = param(6, 3, scale=0.6)
        self.b3 = param(3, scale=0.1)

    def forward(self, x, y):
        flat_x = torch.flatten(x, 1)
        left = F.leaky_relu(flat_x @ self.W1 + self.b1, 0.1)
        right = F.elu(flat_x @ self.W2, alpha=0.5)
        joined = torch.cat([left, right], 1)
        grid = joined.reshape(-1, 2, 4)
        averaged = grid.mean(1)
        peaks = grid.max(2).values
        pooled = torch.cat([averaged, peaks], 1)
        logits = F.softplus(pooled) @ self.W3 + self.b3
        bounded = torch.clamp(F.gelu(logits), min=-0.1, max=2)
        loss = F.binary_cross_entropy_with_logits(logits, y) + 0.5 * F.l1_loss(bounded, y)
        return {"logits": logits, "bounded": bounded}, loss


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.Wq = param(3, 3, scale=0.8)
        self.Wk = param(3, 3, scale=0.8)
        self.Wo = param(3, 2, scale=0.8)
        self.bo = param(2, scale=0.1)

    def forward(self, x, y):
        q = x @ self.Wq
        k = x @ self.Wk
        scores = F.softmax(q @ k.transpose(-2, -1) / math.sqrt(3.0), dim=-1)
        pooled = (scores @ x).sum(1) / 4
        logits = pooled @ self.Wo + self.bo
        return {"logits": logits, "scores": scores}, F.cross_entropy(logits, y)


class GruSequence(nn.Module):
    """A `layers` stack whose first entry is a GRU: nn.Sequential cannot hold it (it returns a
    tuple), so a ModuleList called `layers` gives the same state-dict names."""

    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([
            draw_recurrent(nn.GRU(3, 6, num_layers=2, batch_first=True)),
            draw_sequential(nn.Sequential(nn.Linear(6, 4)))[0],
        ])

    def forward(self, x, y):
        h = self.layers[1](self.layers[0](x)[0])
        return {"h": h}, F.cross_entropy(h.reshape(-1, 4), y.reshape(-1))


class LstmRnnEval(nn.Module):
    def __init__(self):
        super().__init__()
        self.head_w = param(2, 3, scale=0.5)
        self.head_b = param(2, scale=0.1)
        self.layers = nn.ModuleList([
            draw_recurrent(nn.LSTM(4, 5, bias=False, batch_first=True)),
            draw_recurrent(nn.RNN(5, 3, num_layers=2, nonlinearity="relu", dropout=0.4, batch_first=True)),
        ])

    def forward(self, x, y):
        h = self.layers[1](self.layers[0](x)[0])[0]
        logits = F.linear(h[:, 5, :], self.head_w, self.head_b)
        return {"h": h, "logits": logits}, F.cross_entropy(logits, y)


def with_padding(ids):
    """Ids that pick the padding row 0 in two places (whose gradient must stay 0)."""
    ids[0, 0] = 0
    ids[2, 3] = 0
    return ids


def draw_linear(linear):
    """A Linear with weights from our generator (nn.Linear's bounds)."""
    bound = 1 / math.sqrt(linear.in_features)
    with torch.no_grad():
        linear.weight.copy_(uniform(-bound, bound, *linear.weight.shape))
        if linear.bias is not None:
            linear.bias.copy_(uniform(-bound, bound, *linear.bias.shape))
    return linear


class Residual(nn.Module):
    """The spec's block residual(width): its parameter first, then its modules, as registered."""

    def __init__(self, d, width):
        super().__init__()
        self.scale = nn.Parameter(uniform(0.5, 1.5, d))
        self.fc = draw_linear(nn.Linear(d, width))
        self.proj = draw_linear(nn.Linear(width, d))

    def forward(self, x):
        return x + self.proj(F.gelu(self.fc(x))) * self.scale


class ModuleTree(nn.Module):
    def __init__(self, d=8, n_layer=2):
        super().__init__()
        self.embed = draw_linear(nn.Linear(d, d, bias=False))
        self.body = nn.ModuleList([Residual(d, 12) for _ in range(n_layer)])
        self.head = draw_sequential(nn.Sequential(nn.Linear(d, 4 * d), nn.ReLU(), nn.Linear(4 * d, d)))
        self.out = nn.Linear(d, d, bias=False)
        self.out.weight = self.embed.weight
        self.d = d

    def forward(self, x, y):
        h = self.embed(x)
        for block in self.body:
            h = block(h)
        h = self.head(h)
        halves = h.reshape(x.shape[0], 2, self.d // 2)
        logits = self.out((halves * 2).reshape(x.shape[0], self.d)) + h @ self.embed.weight.T
        return {"logits": logits}, F.cross_entropy(logits, y)


def network(name, spec, module, inputs, mode="train"):
    module.train(mode == "train")
    state = {k: described(v) for k, v in module.state_dict().items()}
    outputs, loss = module(**inputs)
    loss.backward()
    return {
        "name": name,
        "spec": spec,
        "mode": mode,
        "inputs": {k: described(v) for k, v in inputs.items()},
        "stateDict": state,
        "outputs": {k: described(v) for k, v in outputs.items()},
        "loss": float(loss),
        "grads": {k: None if p.grad is None else described(p.grad) for k, p in module.named_parameters()},
        # The buffers after the forward pass (BatchNorm's running statistics, updated in train mode).
        "buffers": {k: described(b) for k, b in module.named_buffers()},
    }


def networks():
    batch = 6
    return [
        network("graph MLP, cross_entropy", "mlp-graph.yaml", MlpGraph(), {"x": randn(batch, 4), "y": labels(batch, 3)}),
        network("layers stack (nn.Sequential)", "layers-stack.yaml", LayersStack(), {"x": randn(batch, 5), "y": labels(batch, 3)}),
        network("sigmoid + binary_cross_entropy", "sigmoid-bce.yaml", SigmoidBce(), {"x": randn(batch, 3), "y": bits(batch, 1)}),
        network("tanh + mse_loss", "tanh-mse.yaml", TanhMse(), {"x": randn(batch, 3), "y": randn(batch, 2)}),
        network("frozen parameter", "frozen.yaml", Frozen(), {"x": randn(batch, 4), "y": labels(batch, 3)}),
        network("layers and graph mixed, eval mode", "mixed.yaml", Mixed(), {"x": randn(batch, 4), "y": labels(batch, 3)}, mode="eval"),
        network("kitchen sink", "kitchen-sink.yaml", KitchenSink(), {"x": randn(batch, 2, 3), "y": bits(batch, 3)}),
        network("self-attention (batched matmul)", "attention.yaml", Attention(), {"x": randn(batch, 4, 3), "y": labels(batch, 2)}),
        network("2-layer GRU over a sequence", "gru-sequence.yaml", GruSequence(), {"x": randn(batch, 5, 3), "y": labels(batch * 5, 4).reshape(batch, 5)}),
        network("LSTM without bias, 2-layer relu RNN with dropout, eval mode", "lstm-rnn-eval.yaml", LstmRnnEval(), {"x": randn(batch, 6, 4), "y": labels(batch, 2)}, mode="eval"),
        network(
            "batch_norm1d in a layers stack",
            "batch-norm-1d.yaml",
            # No bias before the norm (as ResNet's convolutions): its gradient would be 0 in exact
            # arithmetic, which float32 can only approach.
            LayersBatchNorm(nn.Linear(5, 8, bias=False), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3)),
            {"x": randn(batch, 5, scale=2), "y": labels(batch, 3)},
        ),
        network(
            "batch_norm2d, eval mode",
            "batch-norm-2d-eval.yaml",
            LayersBatchNorm(nn.BatchNorm2d(2, eps=1e-3, momentum=0.3), nn.Flatten(), nn.Linear(18, 3)),
            {"x": randn(batch, 2, 3, 3), "y": labels(batch, 3)},
            mode="eval",
        ),
        network(
            "batch_norm1d over [N, C, L] without affine",
            "batch-norm-1d-sequence.yaml",
            LayersBatchNorm(nn.BatchNorm1d(3, affine=False, momentum=0.05), nn.Flatten(), nn.Linear(12, 2)),
            {"x": randn(batch, 3, 4), "y": labels(batch, 2)},
        ),
        network(
            "embedding (padding_idx) and layer_norm in a layers stack",
            "embedding-layer-norm.yaml",
            LayersOnIds(nn.Embedding(7, 6, padding_idx=0), nn.LayerNorm(6), nn.Flatten(), nn.Linear(24, 3)),
            {"ids": with_padding(torch.randint(0, 7, (batch, 4), generator=GEN)), "y": labels(batch, 3)},
        ),
        network("module tree: dims, repeat, block args, sequential, tie", "module-tree.yaml", ModuleTree(), {"x": randn(batch, 8), "y": labels(batch, 8)}),
    ]


def main():
    cases = networks()
    head = {"generator": "scripts/torch_networks.py", "torch": torch.__version__}
    with open(OUT, "w") as f:
        f.write(json.dumps(head)[:-1] + ', "networks": [\n')
        f.write(",\n".join("  " + json.dumps(c, separators=(",", ":")) for c in cases))
        f.write("\n]}\n")
    print(f"wrote {OUT}: {len(cases)} networks")


if __name__ == "__main__":
    main()
