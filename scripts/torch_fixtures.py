#!/usr/bin/python3
"""Reference numbers from PyTorch for modelspec's parity tests.

Run with `/usr/bin/python3 scripts/torch_fixtures.py` (needs torch; CI does not: the JSON it writes
is committed, and the tests only read it). Deterministic: every random number comes from one
seeded torch generator, in a fixed order.

Writes
  test/fixtures/ops.json  for every case of test/fixtures/op-cases.json (the examples of the op
                          definitions, with their inputs drawn): the value of the op's torch
                          spelling and the gradient of sum(out * w) for every checked operand.
  test/fixtures/sgd.json  SGD trajectories (parameters after every step) and lr schedules.
"""

import json
import math
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
GEN = torch.Generator().manual_seed(20261127)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "test", "fixtures")


def randn(*shape, scale=1.0):
    return torch.randn(shape, generator=GEN) * scale


# ---- ops: every example of every op definition ---------------------------------------------------

def recurrent(kind, tensors, layers, dropout, training, **options):
    """torch.nn.RNN / GRU / LSTM (batch_first=True) run on tensors[0] from a zero state with the
    parameters tensors[1:] in torch's flat order (bias or not is told by their count): the output
    sequence. The module is built as a user would build it, and each given tensor must have the
    shape of the module's own parameter of that name, so the layout and order are torch's."""
    x, params = tensors[0], tensors[1:]
    hidden = params[1].shape[1]
    module = getattr(torch.nn, kind)(
        x.shape[-1], hidden, num_layers=layers, bias=len(params) == 4 * layers,
        batch_first=True, dropout=dropout, **options,
    )
    module.train(training)
    names = module._flat_weights_names
    assert [list(getattr(module, n).shape) for n in names] == [list(p.shape) for p in params], (kind, names)
    # The given tensors stand in for the module's parameters, so that gradients reach them.
    module._flat_weights = list(params)
    return module(x)[0]


def batch_norm(input, running_mean, running_var, weight, bias, num_batches_tracked, training, momentum, eps):
    """nn.BatchNorm's forward on its state: F.batch_norm, and num_batches_tracked += 1 while
    training (torch counts in the module, modelspec's batch_norm op takes the counter)."""
    if training and num_batches_tracked is not None:
        num_batches_tracked.add_(1)
    return F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def op_case(c):
    """Evaluates the op's torch spelling on a case of test/fixtures/op-cases.json (made from the
    op definitions' examples by `npm run generate`); adds the value and the gradient of
    sum(out * w) for every operand whose gradient is checked."""
    env = {"torch": torch, "F": F, "math": math, "recurrent": recurrent, "batch_norm": batch_norm, "training": c["training"]}
    env.update(c["attrs"])
    env.update({name: None for name in c["missing"]})
    operands, checked = [], []
    for o in c["operands"]:
        if o.get("absent"):
            operands.append(None)
            continue
        if "number" in o:
            operands.append(float(o["number"]))
            continue
        if o["dtype"] == "int32":
            t = torch.tensor(o["values"], dtype=torch.int64).reshape(o["shape"])
        else:
            t = torch.tensor(o["values"], dtype=torch.float64).reshape(o["shape"]).requires_grad_(o["grad"])
            if o["grad"]:
                checked.append(t)
        operands.append(t)
    if c["listed"]:
        env["tensors"] = operands
    else:
        for o, value in zip(c["operands"], operands):
            env[o["name"]] = value
    out = eval(c["torch"], env)
    assert list(out.shape) == c["outShape"], (c["op"], c["name"], list(out.shape), c["outShape"])
    w = torch.tensor(c["w"], dtype=torch.float64).reshape(c["outShape"])
    grads = iter(torch.autograd.grad((out * w).sum(), checked)) if checked else iter(())
    result = {
        "op": c["op"],
        "name": c["name"],
        "operands": [o.get("values", o.get("number")) for o in c["operands"]],
        "out": flat(out),
        "grads": [flat(next(grads)) if o.get("grad") else None for o in c["operands"]],
    }
    if "writes" in c:
        # The operands the op updated in place (running statistics), as they are after the call.
        result["written"] = [flat(operands[k]) for k in c["writes"]]
    return result


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


# ---- SGD ----------------------------------------------------------------------------------------

N, IN, OUT = 8, 4, 3
SGD_KEYS = {"lr": "lr", "momentum": "momentum", "dampening": "dampening", "weight_decay": "weightDecay", "nesterov": "nesterov", "maximize": "maximize"}


def objective(W, b, X, Y):
    """mean squared error of a linear model, plus a quartic term so that it is not a quadratic.
    Written with elementwise ops and sums only: X is stored as [N, 1, IN]."""
    pred = (X * W).sum(2) + b
    return ((pred - Y) ** 2).mean() + 0.05 * (W**4).sum()


def torch_options(options):
    return {k: options[c] for k, c in SGD_KEYS.items() if c in options}


def trajectory(name, init, data, defaults, groups=None, steps=20, negate=False, drop_grad=None, schedule=None):
    """Parameters after every step of torch.optim.SGD. `negate`: the objective is -loss, to be
    maximized. `drop_grad`: {param, steps}: that parameter's grad is set to None on those steps."""
    params = [t.clone().requires_grad_(True) for t in init]
    if groups is None:
        groups = [{"params": [0, 1]}]
    torch_groups = [{"params": [params[i] for i in g["params"]], **torch_options(g.get("options", {}))} for g in groups]
    opt = torch.optim.SGD(torch_groups, **torch_options(defaults))
    sched = None
    if schedule is not None:
        sched = make_scheduler(opt, schedule)
    out = []
    for step in range(steps):
        opt.zero_grad()
        loss = objective(params[0], params[1], *data)
        (-loss if negate else loss).backward()
        if drop_grad and step in drop_grad["steps"]:
            params[drop_grad["param"]].grad = None
        opt.step()
        if sched is not None:
            sched.step()
        out.append([flat(p) for p in params])
    run = {"name": name, "defaults": defaults, "groups": groups, "negate": negate}
    if drop_grad:
        run["dropGrad"] = drop_grad
    if schedule:
        run["schedule"] = schedule
    run["trajectory"] = out
    return run


def make_scheduler(opt, schedule):
    o = schedule["options"]
    if schedule["kind"] == "StepLR":
        return torch.optim.lr_scheduler.StepLR(opt, step_size=o["stepSize"], gamma=o.get("gamma", 0.1))
    return torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=o["tMax"], eta_min=o.get("etaMin", 0))


def lr_sequence(name, schedule, base_lrs, steps=20):
    """scheduler.get_last_lr() after each of `steps` calls to step() (each after an optimizer step)."""
    params = [torch.zeros(1, requires_grad=True) for _ in base_lrs]
    opt = torch.optim.SGD([{"params": [p], "lr": lr} for p, lr in zip(params, base_lrs)], lr=base_lrs[0])
    sched = make_scheduler(opt, schedule)
    lrs = []
    for _ in range(steps):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr())
    return {"name": name, **schedule, "baseLrs": base_lrs, "lrs": lrs}


def sgd():
    X = randn(N, 1, IN)
    Y = randn(N, OUT)
    init = [randn(OUT, IN, scale=0.5), randn(OUT, scale=0.5)]
    data = (X, Y)
    runs = [
        trajectory("plain", init, data, {"lr": 0.1}),
        trajectory("momentum", init, data, {"lr": 0.05, "momentum": 0.9}),
        trajectory("momentum with dampening", init, data, {"lr": 0.05, "momentum": 0.9, "dampening": 0.3}),
        trajectory("nesterov", init, data, {"lr": 0.05, "momentum": 0.8, "nesterov": True}),
        trajectory("weight decay", init, data, {"lr": 0.1, "weightDecay": 0.05}),
        trajectory("maximize", init, data, {"lr": 0.1, "maximize": True}, negate=True),
        trajectory("maximize with momentum and weight decay", init, data, {"lr": 0.05, "momentum": 0.7, "weightDecay": 0.1, "maximize": True}, negate=True),
        trajectory("momentum, weight decay and nesterov", init, data, {"lr": 0.05, "momentum": 0.9, "weightDecay": 0.02, "nesterov": True}),
        trajectory(
            "two param groups",
            init,
            data,
            {"lr": 0.1},
            groups=[{"params": [0], "options": {"lr": 0.03, "momentum": 0.9}}, {"params": [1]}],
        ),
        trajectory("momentum with a missing grad", init, data, {"lr": 0.05, "momentum": 0.9}, drop_grad={"param": 1, "steps": [4, 5, 6]}),
        trajectory("momentum under StepLR", init, data, {"lr": 0.1, "momentum": 0.5}, schedule={"kind": "StepLR", "options": {"stepSize": 5, "gamma": 0.5}}),
        trajectory("cosine annealing", init, data, {"lr": 0.1}, schedule={"kind": "CosineAnnealingLR", "options": {"tMax": 10, "etaMin": 0.01}}),
    ]
    schedules = [
        lr_sequence("StepLR step 3", {"kind": "StepLR", "options": {"stepSize": 3}}, [0.1]),
        lr_sequence("StepLR step 4 gamma 0.5, two groups", {"kind": "StepLR", "options": {"stepSize": 4, "gamma": 0.5}}, [0.1, 0.02]),
        lr_sequence("CosineAnnealingLR tMax 20", {"kind": "CosineAnnealingLR", "options": {"tMax": 20}}, [0.1]),
        lr_sequence("CosineAnnealingLR tMax 8 etaMin 0.001, past tMax", {"kind": "CosineAnnealingLR", "options": {"tMax": 8, "etaMin": 0.001}}, [0.1, 0.5]),
    ]
    return {
        "data": {"X": {"shape": list(X.shape), "values": flat(X)}, "Y": {"shape": list(Y.shape), "values": flat(Y)}},
        "init": [{"shape": list(t.shape), "values": flat(t)} for t in init],
        "runs": runs,
        "schedules": schedules,
    }


def write(name, header, items_key, document):
    """One item of the big list per line: diffs stay small and the file stays readable."""
    path = os.path.join(FIXTURES, name)
    items = document.pop(items_key)
    head = json.dumps({**header, **document})[:-1]
    body = ",\n".join("  " + json.dumps(i, separators=(",", ":")) for i in items)
    with open(path, "w") as f:
        f.write(f'{head}, "{items_key}": [\n{body}\n]}}\n')
    return path


def main():
    os.makedirs(FIXTURES, exist_ok=True)
    with open(os.path.join(FIXTURES, "op-cases.json")) as f:
        cases = [op_case(c) for c in json.load(f)["cases"]]
    header = {"generator": "scripts/torch_fixtures.py", "torch": torch.__version__}
    print(write("ops.json", header, "cases", {"cases": cases}), len(cases), "cases")
    print(write("sgd.json", header, "runs", sgd()))


if __name__ == "__main__":
    main()
