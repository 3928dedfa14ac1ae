#!/usr/bin/python3
"""Reference numbers from PyTorch for modelspec's parity tests.

Run with `/usr/bin/python3 scripts/torch_fixtures.py` (needs torch; CI does not: the JSON it writes
is committed, and the tests only read it). Deterministic: every random number comes from one
seeded torch generator, in a fixed order.

Writes
  test/fixtures/ops.json  one case per op call: inputs, attributes (modelspec's camelCase names),
                          the forward value, a weight w, and the gradient of sum(out * w) for
                          every input that requires grad.
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


def uniform(lo, hi, *shape):
    return lo + (hi - lo) * torch.rand(shape, generator=GEN)


def away_from(t, points=(0.0,), margin=0.05):
    """Moves values within `margin` of a kink (relu at 0, clamp at its bounds) out of reach."""
    t = t.clone()
    for p in points:
        near = (t - p).abs() < margin
        t[near] = p + torch.where(t[near] >= p, margin, -margin) * 2
    return t


def classes(n, c):
    return torch.randint(0, c, (n,), generator=GEN)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


class Grad:
    """A float tensor input whose gradient is checked."""

    def __init__(self, t):
        self.t = t


class Const:
    """A float tensor input without gradient (a target, say)."""

    def __init__(self, t):
        self.t = t


class Labels:
    """Integer class indices (int32 on our side, int64 in torch)."""

    def __init__(self, t):
        self.t = t


CASES = []


def case(op, name, fn, inputs, attrs=None, listed=False):
    """Runs fn on the inputs, and records value and gradients of sum(out * w)."""
    tensors, described = [], []
    for x in inputs:
        if isinstance(x, (int, float)):
            tensors.append(x)
            described.append({"scalar": float(x)})
        elif isinstance(x, Labels):
            tensors.append(x.t)
            described.append({"shape": list(x.t.shape), "values": [int(v) for v in x.t.reshape(-1).tolist()], "dtype": "int32"})
        else:
            t = x.t.detach().clone().requires_grad_(isinstance(x, Grad))
            tensors.append(t)
            described.append({"shape": list(t.shape), "values": flat(t), "grad": isinstance(x, Grad)})
    out = fn(tensors) if listed else fn(*tensors)
    w = randn(*out.shape)
    wanted = [t for t in tensors if isinstance(t, torch.Tensor) and t.requires_grad]
    grads = iter(torch.autograd.grad((out * w).sum(), wanted)) if wanted else iter(())
    for d, t in zip(described, tensors):
        if d.get("grad"):
            d["gradValues"] = flat(next(grads))
    entry = {"op": op, "name": name, "inputs": described, "attrs": attrs or {}}
    if listed:
        entry["listed"] = True
    entry["out"] = {"shape": list(out.shape), "values": flat(out)}
    entry["w"] = flat(w)
    CASES.append(entry)


def arithmetic():
    for op, f in [("add", torch.add), ("sub", torch.sub), ("mul", torch.mul)]:
        case(op, "same shape", f, [Grad(randn(3, 4)), Grad(randn(3, 4))])
        case(op, "broadcast [3,1] with [4]", f, [Grad(randn(3, 1)), Grad(randn(4))])
        case(op, "broadcast [2,1,3] with [4,1]", f, [Grad(randn(2, 1, 3)), Grad(randn(4, 1))])
        case(op, "tensor and number", f, [Grad(randn(2, 3)), 2.5])
        case(op, "scalar tensor and [2,3]", f, [Grad(randn()), Grad(randn(2, 3))])
    case("div", "same shape", torch.div, [Grad(randn(3, 4)), Grad(away_from(randn(3, 4), margin=0.3))])
    case("div", "broadcast [2,3] / [3]", torch.div, [Grad(randn(2, 3)), Grad(uniform(0.5, 2, 3))])
    case("div", "number / tensor", lambda a, b: a / b, [1.5, Grad(uniform(0.5, 2, 4))])
    case("neg", "[2,3]", torch.neg, [Grad(randn(2, 3))])
    case("pow", "tensor ** 2", torch.pow, [Grad(randn(3, 4)), 2.0])
    case("pow", "positive ** 0.5", torch.pow, [Grad(uniform(0.5, 2, 5)), 0.5])
    case("pow", "positive ** tensor, broadcast", torch.pow, [Grad(uniform(0.5, 2, 2, 3)), Grad(randn(3))])
    case("pow", "number ** tensor", lambda a, b: torch.pow(a, b), [2.0, Grad(randn(4))])
    case("exp", "[3,4]", torch.exp, [Grad(randn(3, 4))])
    case("log", "positive [3,4]", torch.log, [Grad(uniform(0.1, 3, 3, 4))])
    case("sqrt", "positive [3,4]", torch.sqrt, [Grad(uniform(0.1, 3, 3, 4))])
    case("abs", "[3,4] away from 0", torch.abs, [Grad(away_from(randn(3, 4)))])
    case("maximum", "same shape", torch.maximum, [Grad(randn(3, 4)), Grad(randn(3, 4))])
    case("maximum", "broadcast [3,1] with [4]", torch.maximum, [Grad(randn(3, 1)), Grad(randn(4))])
    case("minimum", "same shape", torch.minimum, [Grad(randn(3, 4)), Grad(randn(3, 4))])
    case("minimum", "broadcast [2,3] with [3]", torch.minimum, [Grad(randn(2, 3)), Grad(randn(3))])
    x = away_from(randn(4, 5, scale=1.5), (-1.0, 0.5))
    case("clamp", "min and max", lambda t: torch.clamp(t, min=-1.0, max=0.5), [Grad(x)], {"min": -1.0, "max": 0.5})
    case("clamp", "min only", lambda t: torch.clamp(t, min=-1.0), [Grad(x)], {"min": -1.0})
    case("clamp", "max only", lambda t: torch.clamp(t, max=0.5), [Grad(x)], {"max": 0.5})


def activations():
    x = away_from(randn(4, 5, scale=2))
    case("relu", "[4,5] away from 0", F.relu, [Grad(x)])
    case("leakyRelu", "default slope", F.leaky_relu, [Grad(x)])
    case("leakyRelu", "slope 0.2", lambda t: F.leaky_relu(t, 0.2), [Grad(x)], {"negativeSlope": 0.2})
    case("sigmoid", "[4,5]", torch.sigmoid, [Grad(randn(4, 5, scale=3))])
    case("tanh", "[4,5]", torch.tanh, [Grad(randn(4, 5, scale=2))])
    case("gelu", "[4,5]", F.gelu, [Grad(randn(4, 5, scale=2))])
    case("softplus", "[4,5]", F.softplus, [Grad(randn(4, 5, scale=3))])
    x2 = away_from(randn(3, 4, scale=4), (2.5, -2.5), margin=0.1)
    case("softplus", "beta 2, threshold 5", lambda t: F.softplus(t, 2, 5), [Grad(x2)], {"beta": 2, "threshold": 5})
    case("elu", "default alpha", F.elu, [Grad(x)])
    case("elu", "alpha 0.5", lambda t: F.elu(t, 0.5), [Grad(x)], {"alpha": 0.5})
    big = torch.tensor([[1000.0, -1000.0, 0.5, 999.0], [-999.0, 1000.0, -1000.0, 0.0]])
    case("sigmoid", "magnitude 1000", torch.sigmoid, [Grad(big)])
    case("softplus", "magnitude 1000", F.softplus, [Grad(big)])


def linear_algebra():
    mm = torch.matmul
    case("matmul", "[3,4] @ [4,5]", mm, [Grad(randn(3, 4)), Grad(randn(4, 5))])
    case("matmul", "batched [2,3,4] @ [2,4,5]", mm, [Grad(randn(2, 3, 4)), Grad(randn(2, 4, 5))])
    case("matmul", "batched [2,3,4] @ [4,5]", mm, [Grad(randn(2, 3, 4)), Grad(randn(4, 5))])
    case("matmul", "broadcast batch [2,1,3,4] @ [3,4,2]", mm, [Grad(randn(2, 1, 3, 4)), Grad(randn(3, 4, 2))])
    case("matmul", "[4] @ [4,3]", mm, [Grad(randn(4)), Grad(randn(4, 3))])
    case("matmul", "[3,4] @ [4]", mm, [Grad(randn(3, 4)), Grad(randn(4))])
    case("matmul", "[4] @ [4]", mm, [Grad(randn(4)), Grad(randn(4))])
    case("matmul", "[4] @ [2,4,3]", mm, [Grad(randn(4)), Grad(randn(2, 4, 3))])
    case("matmul", "[2,3,4] @ [4]", mm, [Grad(randn(2, 3, 4)), Grad(randn(4))])
    case("linear", "[5,4] with bias", F.linear, [Grad(randn(5, 4)), Grad(randn(3, 4)), Grad(randn(3))])
    case("linear", "[5,4] without bias", F.linear, [Grad(randn(5, 4)), Grad(randn(3, 4))])
    case("linear", "[2,5,4] with bias", F.linear, [Grad(randn(2, 5, 4)), Grad(randn(3, 4)), Grad(randn(3))])
    case("linear", "[2,5,4] without bias", F.linear, [Grad(randn(2, 5, 4)), Grad(randn(3, 4))])
    case("linear", "[4] with bias", F.linear, [Grad(randn(4)), Grad(randn(3, 4)), Grad(randn(3))])
    case("transpose", "[3,4] default", lambda t: t.transpose(-2, -1), [Grad(randn(3, 4))])
    case("transpose", "[2,3,4] default swaps the last two", lambda t: t.transpose(-2, -1), [Grad(randn(2, 3, 4))])
    case("transpose", "[2,3,4] axes 0 and 2", lambda t: t.transpose(0, 2), [Grad(randn(2, 3, 4))], {"axis0": 0, "axis1": 2})
    case("transpose", "[2,3,4] axes -3 and 1", lambda t: t.transpose(-3, 1), [Grad(randn(2, 3, 4))], {"axis0": -3, "axis1": 1})


def shape_ops():
    case("reshape", "[2,3,4] to [-1,6]", lambda t: t.reshape(-1, 6), [Grad(randn(2, 3, 4))], {"shape": [-1, 6]})
    case("reshape", "[2,6] to [3,2,2]", lambda t: t.reshape(3, 2, 2), [Grad(randn(2, 6))], {"shape": [3, 2, 2]})
    case("reshape", "[1,1] to []", lambda t: t.reshape(()), [Grad(randn(1, 1))], {"shape": []})
    case("flatten", "[2,3,4,5] default keeps the batch axis", lambda t: t.flatten(1), [Grad(randn(2, 3, 4, 5))])
    case("flatten", "[2,3,4] startAxis 0", lambda t: t.flatten(0), [Grad(randn(2, 3, 4))], {"startAxis": 0})
    case("flatten", "[2,3,4,5] axes 1 to 2", lambda t: t.flatten(1, 2), [Grad(randn(2, 3, 4, 5))], {"startAxis": 1, "endAxis": 2})
    case("flatten", "[2,3,4,5] axes -3 to -2", lambda t: t.flatten(-3, -2), [Grad(randn(2, 3, 4, 5))], {"startAxis": -3, "endAxis": -2})
    case("concat", "two along axis 1", lambda ts: torch.cat(ts, 1), [Grad(randn(2, 3)), Grad(randn(2, 4))], {"axis": 1}, listed=True)
    case("concat", "three along axis 0", lambda ts: torch.cat(ts, 0), [Grad(randn(1, 3)), Grad(randn(2, 3)), Grad(randn(3, 3))], {"axis": 0}, listed=True)
    case("concat", "3-D along axis -1", lambda ts: torch.cat(ts, -1), [Grad(randn(2, 2, 1)), Grad(randn(2, 2, 3))], {"axis": -1}, listed=True)
    case("concat", "with a constant", lambda ts: torch.cat(ts, 0), [Grad(randn(2, 3)), Const(randn(1, 3))], {"axis": 0}, listed=True)
    x = randn(3, 6)
    case("slice", "axis 1, 1 to 4", lambda t: t[:, 1:4], [Grad(x)], {"axis": 1, "start": 1, "end": 4})
    case("slice", "axis 1, step 2", lambda t: t[:, 0:6:2], [Grad(x)], {"axis": 1, "start": 0, "end": 6, "step": 2})
    case("slice", "axis -1 from -3", lambda t: t[:, -3:], [Grad(x)], {"axis": -1, "start": -3})
    case("slice", "axis 0, 1 to 3 of [4,2,3]", lambda t: t[1:3], [Grad(randn(4, 2, 3))], {"axis": 0, "start": 1, "end": 3})
    case("slice", "bounds past the end are clamped", lambda t: t[:, 4:100], [Grad(x)], {"axis": 1, "start": 4, "end": 100})
    case("slice", "axis 1 to -1 of [2,5,2]", lambda t: t[:, 1:-1], [Grad(randn(2, 5, 2))], {"axis": 1, "start": 1, "end": -1})


def reductions():
    x = randn(3, 4, 5)
    for op, f in [("sum", torch.sum), ("mean", torch.mean)]:
        case(op, "all", f, [Grad(x)])
        case(op, "axis 1", lambda t, f=f: f(t, 1), [Grad(x)], {"axis": 1})
        case(op, "axis -1 keepdim", lambda t, f=f: f(t, -1, keepdim=True), [Grad(x)], {"axis": -1, "keepdim": True})
        case(op, "axis 0 of [4]", lambda t, f=f: f(t, 0), [Grad(randn(4))], {"axis": 0})
    for op, f in [("max", torch.amax), ("min", torch.amin)]:
        case(op, "all", f, [Grad(x)])
        case(op, "axis 1", lambda t, f=f: f(t, 1), [Grad(x)], {"axis": 1})
        case(op, "axis -1 keepdim", lambda t, f=f: f(t, -1, keepdim=True), [Grad(x)], {"axis": -1, "keepdim": True})
        case(op, "axis 0 of [4,2]", lambda t, f=f: f(t, 0), [Grad(randn(4, 2))], {"axis": 0})


def probability():
    x = randn(3, 5, scale=2)
    big = torch.tensor([[1000.0, -1000.0, 0.0, 999.0], [-1000.0, -1000.0, -999.5, -1000.0], [500.0, 1000.0, -3.0, 1.0]])
    for op, f in [("softmax", F.softmax), ("logSoftmax", F.log_softmax)]:
        case(op, "default axis is the last", lambda t, f=f: f(t, -1), [Grad(randn(2, 3, 4))])
        case(op, "axis -1", lambda t, f=f: f(t, -1), [Grad(x)], {"axis": -1})
        case(op, "axis 0", lambda t, f=f: f(t, 0), [Grad(x)], {"axis": 0})
        case(op, "[2,3,4] axis 1", lambda t, f=f: f(t, 1), [Grad(randn(2, 3, 4))], {"axis": 1})
        case(op, "magnitude 1000, axis -1", lambda t, f=f: f(t, -1), [Grad(big)], {"axis": -1})
        case(op, "magnitude 1000, axis 0", lambda t, f=f: f(t, 0), [Grad(big)], {"axis": 0})


def dropout():
    x = randn(4, 5)
    case("dropout", "p = 0 while training is the identity", lambda t: F.dropout(t, 0.0, training=True), [Grad(x)], {"p": 0.0})
    case("dropout", "eval mode is the identity", lambda t: F.dropout(t, 0.5, training=False), [Grad(x)], {"p": 0.5, "training": False})


def losses():
    case("mseLoss", "[4,3]", F.mse_loss, [Grad(randn(4, 3)), Grad(randn(4, 3))])
    case("mseLoss", "[5]", F.mse_loss, [Grad(randn(5)), Const(randn(5))])
    case("mseLoss", "reduction sum", lambda a, b: F.mse_loss(a, b, reduction="sum"), [Grad(randn(2, 3)), Grad(randn(2, 3))], {"reduction": "sum"})
    case("mseLoss", "reduction none", lambda a, b: F.mse_loss(a, b, reduction="none"), [Grad(randn(2, 3)), Grad(randn(2, 3))], {"reduction": "none"})
    case("l1Loss", "[4,3]", F.l1_loss, [Grad(randn(4, 3)), Grad(randn(4, 3))])
    case("l1Loss", "[5]", F.l1_loss, [Grad(randn(5)), Const(randn(5))])
    case("l1Loss", "reduction sum", lambda a, b: F.l1_loss(a, b, reduction="sum"), [Grad(randn(2, 3)), Const(randn(2, 3))], {"reduction": "sum"})
    case("crossEntropy", "[6,4] logits", F.cross_entropy, [Grad(randn(6, 4, scale=2)), Labels(classes(6, 4))])
    case("crossEntropy", "[1,3] logits", F.cross_entropy, [Grad(randn(1, 3)), Labels(torch.tensor([2]))])
    case("crossEntropy", "[2,3,4] logits with [2,4] targets", F.cross_entropy, [Grad(randn(2, 3, 4)), Labels(classes(8, 3).reshape(2, 4))])
    case("crossEntropy", "[5] logits with a scalar target", F.cross_entropy, [Grad(randn(5)), Labels(torch.tensor(3))])
    case("crossEntropy", "reduction sum", lambda a, b: F.cross_entropy(a, b, reduction="sum"), [Grad(randn(4, 3)), Labels(classes(4, 3))], {"reduction": "sum"})
    case("crossEntropy", "reduction none", lambda a, b: F.cross_entropy(a, b, reduction="none"), [Grad(randn(4, 3)), Labels(classes(4, 3))], {"reduction": "none"})
    big = torch.tensor([[1000.0, -1000.0, 0.0], [-1000.0, 999.0, 1000.0], [0.0, 1000.0, -1000.0]])
    case("crossEntropy", "magnitude 1000", F.cross_entropy, [Grad(big), Labels(torch.tensor([0, 1, 2]))])
    logp = F.log_softmax(randn(6, 4), -1)
    case("nllLoss", "[6,4] log-probabilities", F.nll_loss, [Grad(logp), Labels(classes(6, 4))])
    case("nllLoss", "[3,5] any values", F.nll_loss, [Grad(randn(3, 5)), Labels(classes(3, 5))])
    case("nllLoss", "[2,3,2] with [2,2] targets", F.nll_loss, [Grad(randn(2, 3, 2)), Labels(classes(4, 3).reshape(2, 2))])
    case("nllLoss", "reduction sum", lambda a, b: F.nll_loss(a, b, reduction="sum"), [Grad(randn(4, 3)), Labels(classes(4, 3))], {"reduction": "sum"})
    p = uniform(0.05, 0.95, 4, 3)
    case("binaryCrossEntropy", "soft targets", F.binary_cross_entropy, [Grad(p), Const(uniform(0, 1, 4, 3))])
    case("binaryCrossEntropy", "reduction none", lambda a, b: F.binary_cross_entropy(a, b, reduction="none"), [Grad(uniform(0.05, 0.95, 2, 3)), Const(uniform(0, 1, 2, 3))], {"reduction": "none"})
    case("binaryCrossEntropy", "hard targets", F.binary_cross_entropy, [Grad(uniform(0.05, 0.95, 6)), Const(classes(6, 2).double())])
    case("bceWithLogits", "soft targets, both gradients", F.binary_cross_entropy_with_logits, [Grad(randn(4, 3, scale=2)), Grad(uniform(0, 1, 4, 3))])
    case("bceWithLogits", "hard targets", F.binary_cross_entropy_with_logits, [Grad(randn(6, scale=2)), Const(classes(6, 2).double())])
    big = torch.tensor([1000.0, -1000.0, 1000.0, -1000.0, 0.0])
    case("bceWithLogits", "magnitude 1000", F.binary_cross_entropy_with_logits, [Grad(big), Const(torch.tensor([1.0, 0.0, 0.0, 1.0, 0.5]))])


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
    for family in (arithmetic, activations, linear_algebra, shape_ops, reductions, probability, dropout, losses):
        family()
    header = {"generator": "scripts/torch_fixtures.py", "torch": torch.__version__}
    print(write("ops.json", header, "cases", {"cases": CASES}), len(CASES), "cases")
    print(write("sgd.json", header, "runs", sgd()))


if __name__ == "__main__":
    main()
