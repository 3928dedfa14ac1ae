#!/usr/bin/python3
"""Reference numbers from torch.optim for modelspec's optimizer, clipping and schedule tests.

Run with `/usr/bin/python3 scripts/torch_optim_fixtures.py` (needs torch; CI does not: the JSON it
writes is committed, and the tests only read it). Deterministic: every random number comes from
one seeded torch generator, in a fixed order. Options are written in modelspec's camelCase
(weightDecay, lrDecay, ...) and turned into torch's names here.

Writes test/fixtures/optim.json:
  runs       trajectories (parameters after every step, float64) of Adam, AdamW, RMSprop,
             Adagrad, Adadelta and SGD for each option, with clipping and under schedules;
  clipping   clip_grad_norm_ (norm types 2, 1, 3, inf) and clip_grad_value_ on fixed gradients;
  schedules  get_last_lr() after each step of every schedule, with OneCycleLR's momentum / beta1,
             ReduceLROnPlateau on a scripted metric sequence, and the warmup compositions a spec
             builds (SequentialLR([LinearLR, ...])).
"""

import json
import math
import os
import re

import torch

torch.set_default_dtype(torch.float64)
GEN = torch.Generator().manual_seed(20261202)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "optim.json")
SCHED = torch.optim.lr_scheduler

N, IN, OUT_FEATURES = 8, 4, 3


def randn(*shape, scale=1.0):
    return torch.randn(shape, generator=GEN) * scale


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def snake(name):
    if name == "tMax":
        return "T_max"  # CosineAnnealingLR's one capitalised argument
    return re.sub(r"[A-Z]", lambda m: "_" + m.group(0).lower(), name)


def torch_options(options):
    return {snake(k): (tuple(v) if isinstance(v, list) else v) for k, v in options.items()}


def objective(W, b, X, Y):
    """mean squared error of a linear model plus 0.05·Σ W⁴, so that it is not a quadratic.
    Written with elementwise ops and sums only: X is stored as [N, 1, IN]."""
    pred = (X * W).sum(2) + b
    return ((pred - Y) ** 2).mean() + 0.05 * (W**4).sum()


def make_schedule(opt, schedule):
    """A torch schedule from modelspec's description: a class name and camelCase options, or a
    spec-style warmup in front of one (`warmup`: {steps, startFactor}), as src/train builds it."""
    kind, o = schedule["kind"], torch_options(schedule.get("options", {}))
    if kind == "SequentialLR":
        parts = [make_schedule(opt, s) for s in schedule["schedulers"]]
        return SCHED.SequentialLR(opt, parts, milestones=schedule["milestones"])
    if kind == "ReduceLROnPlateau":
        return SCHED.ReduceLROnPlateau(opt, **o)
    return getattr(SCHED, kind)(opt, **o)


def trajectory(name, optimizer, init, data, defaults, groups=None, steps=20, negate=False, drop_grad=None, schedule=None, clip=None):
    """Parameters after every step. `negate`: the objective is -loss, to be maximized.
    `drop_grad`: {param, steps}: that parameter's grad is set to None on those steps.
    `clip`: {maxNorm, normType} or {value}, applied to the gradients before each step."""
    params = [t.clone().requires_grad_(True) for t in init]
    if groups is None:
        groups = [{"params": [0, 1]}]
    torch_groups = [{"params": [params[i] for i in g["params"]], **torch_options(g.get("options", {}))} for g in groups]
    opt = getattr(torch.optim, optimizer)(torch_groups, **torch_options(defaults))
    sched = make_schedule(opt, schedule) if schedule else None
    out, norms = [], []
    for step in range(steps):
        opt.zero_grad()
        loss = objective(params[0], params[1], *data)
        (-loss if negate else loss).backward()
        if drop_grad and step in drop_grad["steps"]:
            params[drop_grad["param"]].grad = None
        if clip and "maxNorm" in clip:
            norms.append(float(torch.nn.utils.clip_grad_norm_(params, clip["maxNorm"], clip.get("normType", 2))))
        elif clip:
            torch.nn.utils.clip_grad_value_(params, clip["value"])
        opt.step()
        if sched is not None:
            sched.step()
        out.append([flat(p) for p in params])
    run = {"name": name, "optimizer": optimizer, "defaults": defaults, "groups": groups, "negate": negate}
    for key, value in (("dropGrad", drop_grad), ("schedule", schedule), ("clip", clip)):
        if value:
            run[key] = value
    if norms:
        run["norms"] = norms
    run["trajectory"] = out
    return run


def optimizer_runs(init, data):
    two_groups = lambda first: [{"params": [0], "options": first}, {"params": [1]}]
    missing = {"param": 1, "steps": [4, 5, 6]}
    r = lambda *args, **kw: trajectory(*args, init=init, data=data, **kw)
    return [
        r("Adam", "Adam", defaults={"lr": 0.05}),
        r("Adam with torch's defaults", "Adam", defaults={}),
        r("Adam betas and eps", "Adam", defaults={"lr": 0.05, "betas": [0.8, 0.99], "eps": 1e-6}),
        r("Adam weight decay", "Adam", defaults={"lr": 0.05, "weightDecay": 0.1}),
        r("Adam amsgrad", "Adam", defaults={"lr": 0.05, "amsgrad": True}),
        r("Adam amsgrad, weight decay, maximize", "Adam", defaults={"lr": 0.05, "amsgrad": True, "weightDecay": 0.05, "maximize": True}, negate=True),
        r("Adam two param groups", "Adam", defaults={"lr": 0.05}, groups=two_groups({"lr": 0.01, "betas": [0.5, 0.9]})),
        r("Adam with a missing grad", "Adam", defaults={"lr": 0.05}, drop_grad=missing),
        r("AdamW", "AdamW", defaults={"lr": 0.05}),
        r("AdamW with torch's defaults", "AdamW", defaults={}),
        r("AdamW weight decay 0.1, amsgrad", "AdamW", defaults={"lr": 0.05, "weightDecay": 0.1, "amsgrad": True}),
        r("AdamW no weight decay, maximize", "AdamW", defaults={"lr": 0.05, "weightDecay": 0, "maximize": True}, negate=True),
        r("AdamW two param groups (no decay on the bias)", "AdamW", defaults={"lr": 0.05, "weightDecay": 0.1}, groups=[{"params": [0]}, {"params": [1], "options": {"weightDecay": 0}}]),
        r("RMSprop", "RMSprop", defaults={"lr": 0.01}),
        r("RMSprop with torch's defaults", "RMSprop", defaults={}),
        r("RMSprop alpha and eps", "RMSprop", defaults={"lr": 0.01, "alpha": 0.9, "eps": 1e-4}),
        r("RMSprop momentum", "RMSprop", defaults={"lr": 0.01, "momentum": 0.9}),
        r("RMSprop centered", "RMSprop", defaults={"lr": 0.01, "centered": True}),
        r("RMSprop centered, momentum, weight decay", "RMSprop", defaults={"lr": 0.01, "centered": True, "momentum": 0.5, "weightDecay": 0.1}),
        r("RMSprop maximize", "RMSprop", defaults={"lr": 0.01, "maximize": True}, negate=True),
        r("RMSprop momentum with a missing grad", "RMSprop", defaults={"lr": 0.01, "momentum": 0.9}, drop_grad=missing),
        r("Adagrad", "Adagrad", defaults={"lr": 0.1}),
        r("Adagrad with torch's defaults", "Adagrad", defaults={}),
        r("Adagrad lr decay", "Adagrad", defaults={"lr": 0.1, "lrDecay": 0.05}),
        r("Adagrad initial accumulator, eps", "Adagrad", defaults={"lr": 0.1, "initialAccumulatorValue": 0.1, "eps": 1e-6}),
        r("Adagrad weight decay, maximize", "Adagrad", defaults={"lr": 0.1, "weightDecay": 0.1, "maximize": True}, negate=True),
        r("Adadelta with torch's defaults", "Adadelta", defaults={}),
        r("Adadelta rho and eps", "Adadelta", defaults={"lr": 1.0, "rho": 0.95, "eps": 1e-5}),
        r("Adadelta lr and weight decay", "Adadelta", defaults={"lr": 0.5, "weightDecay": 0.1}),
        r("Adadelta maximize", "Adadelta", defaults={"maximize": True}, negate=True),
        r("Adam, clip_grad_norm 0.5", "Adam", defaults={"lr": 0.05}, clip={"maxNorm": 0.5}),
        r("SGD momentum, clip_grad_norm 1 (inf-norm)", "SGD", defaults={"lr": 0.1, "momentum": 0.9}, clip={"maxNorm": 1.0, "normType": math.inf}),
        r("SGD, clip_grad_value 0.1", "SGD", defaults={"lr": 0.1}, clip={"value": 0.1}),
        r("SGD momentum under OneCycleLR", "SGD", defaults={"lr": 0.1, "momentum": 0.9}, schedule={"kind": "OneCycleLR", "options": {"maxLr": 0.2, "totalSteps": 20}}),
        r("Adam under OneCycleLR (beta1 cycles)", "Adam", defaults={"lr": 0.05}, schedule={"kind": "OneCycleLR", "options": {"maxLr": 0.1, "totalSteps": 20, "threePhase": True}}),
        r("AdamW under warmup + cosine", "AdamW", defaults={"lr": 0.05, "weightDecay": 0.1}, schedule=warmup({"kind": "CosineAnnealingLR", "options": {"tMax": 15, "etaMin": 0.005}}, 5, 0.1)),
    ]


def clipping():
    def grads():
        return [randn(3, 4), randn(5), None, randn(2, 2, scale=3.0)]

    cases = []
    for name, kind, args in [
        ("norm 2, clipped", "norm", {"maxNorm": 1.0}),
        ("norm 2, below the limit", "norm", {"maxNorm": 100.0}),
        ("norm 1", "norm", {"maxNorm": 2.0, "normType": 1.0}),
        ("norm 3", "norm", {"maxNorm": 0.5, "normType": 3.0}),
        ("norm inf", "norm", {"maxNorm": 0.7, "normType": math.inf}),
        ("value 0.5", "value", {"value": 0.5}),
    ]:
        gs = grads()
        params = []
        for g in gs:
            p = torch.zeros(g.shape if g is not None else (2,), requires_grad=True)
            p.grad = None if g is None else g.clone()
            params.append(p)
        before = [None if g is None else {"shape": list(g.shape), "values": flat(g)} for g in gs]
        case = {"name": name, "kind": kind, **args, "grads": before}
        if kind == "norm":
            case["norm"] = float(torch.nn.utils.clip_grad_norm_(params, args["maxNorm"], args.get("normType", 2.0)))
        else:
            torch.nn.utils.clip_grad_value_(params, args["value"])
        case["clipped"] = [None if p.grad is None else flat(p.grad) for p in params]
        cases.append(case)
    return cases


def lr_sequence(name, schedule, base_lrs, steps=20, optimizer="SGD", defaults=None, metrics=None):
    """get_last_lr() after each of `steps` calls to step() (each after an optimizer step), and the
    groups' momentum or beta1 when the optimizer has them."""
    params = [torch.zeros(1, requires_grad=True) for _ in base_lrs]
    opt = getattr(torch.optim, optimizer)([{"params": [p], "lr": lr} for p, lr in zip(params, base_lrs)], **torch_options(defaults or {}))
    if schedule["kind"] == "warmup+ReduceLROnPlateau":
        # A spec's warmup in front of reduce_on_plateau: LinearLR steps until the warmup ends,
        # then the plateau schedule takes the metric (SequentialLR cannot hold it in torch).
        o = schedule["warmup"]
        warm = SCHED.LinearLR(opt, start_factor=o["startFactor"], total_iters=o["steps"])
        plateau = SCHED.ReduceLROnPlateau(opt, **torch_options(schedule["options"]))
    else:
        sched = make_schedule(opt, schedule)
    lrs, momenta = [], []
    for i in range(steps):
        opt.step()
        if schedule["kind"] == "warmup+ReduceLROnPlateau":
            if i < o["steps"]:
                warm.step()
            else:
                plateau.step(metrics[i])
            lrs.append([g["lr"] for g in opt.param_groups])
        elif schedule["kind"] == "ReduceLROnPlateau":
            sched.step(metrics[i])
            lrs.append([g["lr"] for g in opt.param_groups])
        else:
            sched.step()
            lrs.append(sched.get_last_lr())
        if "betas" in opt.defaults:
            momenta.append([g["betas"][0] for g in opt.param_groups])
        elif "momentum" in opt.defaults:
            momenta.append([g["momentum"] for g in opt.param_groups])
    out = {"name": name, "schedule": schedule, "optimizer": optimizer, "defaults": defaults or {}, "baseLrs": base_lrs, "lrs": lrs}
    if metrics is not None:
        out["metrics"] = metrics
    if schedule["kind"] == "OneCycleLR":
        out["momenta"] = momenta
    return out


def warmup(after, steps, start_factor):
    """SequentialLR([LinearLR(start_factor, total_iters=steps), after], milestones=[steps])."""
    linear = {"kind": "LinearLR", "options": {"startFactor": start_factor, "totalIters": steps}}
    return {"kind": "SequentialLR", "schedulers": [linear, after], "milestones": [steps]}


def schedules():
    # Falls, stalls, improves a little (below the threshold), falls again, then rises.
    metrics = [1.0, 0.8, 0.7, 0.69, 0.695, 0.7, 0.71, 0.6, 0.5, 0.499, 0.5, 0.51, 0.52, 0.53, 0.4, 0.41, 0.42, 0.43, 0.44, 0.45]
    rising = [0.1, 0.3, 0.5, 0.52, 0.5, 0.49, 0.55, 0.56, 0.56, 0.54, 0.53, 0.6, 0.61, 0.6, 0.59, 0.58, 0.57, 0.7, 0.69, 0.68]
    cos = lambda t_max, eta_min=0.0: {"kind": "CosineAnnealingLR", "options": {"tMax": t_max, "etaMin": eta_min}}
    return [
        lr_sequence("StepLR step 3", {"kind": "StepLR", "options": {"stepSize": 3}}, [0.1]),
        lr_sequence("MultiStepLR milestones 3, 7, 7, 12 gamma 0.5", {"kind": "MultiStepLR", "options": {"milestones": [3, 7, 7, 12], "gamma": 0.5}}, [0.1, 0.3]),
        lr_sequence("ExponentialLR gamma 0.9", {"kind": "ExponentialLR", "options": {"gamma": 0.9}}, [0.1, 0.02]),
        lr_sequence("CosineAnnealingLR tMax 8 etaMin 0.001, past tMax", cos(8, 0.001), [0.1, 0.5]),
        lr_sequence("LinearLR torch's defaults", {"kind": "LinearLR", "options": {}}, [0.1]),
        lr_sequence("LinearLR startFactor 0.25 endFactor 0.5 totalIters 6", {"kind": "LinearLR", "options": {"startFactor": 0.25, "endFactor": 0.5, "totalIters": 6}}, [0.1, 0.4]),
        lr_sequence("OneCycleLR cos (SGD momentum)", {"kind": "OneCycleLR", "options": {"maxLr": 0.5, "totalSteps": 20}}, [0.1], defaults={"momentum": 0.9}),
        lr_sequence("OneCycleLR linear, pctStart 0.25, divFactors, per-group maxLr", {"kind": "OneCycleLR", "options": {"maxLr": [0.5, 1.0], "totalSteps": 20, "pctStart": 0.25, "annealStrategy": "linear", "divFactor": 10.0, "finalDivFactor": 100.0, "baseMomentum": 0.8, "maxMomentum": 0.9}}, [0.1, 0.1], defaults={"momentum": 0.9}),
        lr_sequence("OneCycleLR three phases (Adam beta1)", {"kind": "OneCycleLR", "options": {"maxLr": 0.01, "totalSteps": 20, "threePhase": True}}, [0.001], optimizer="Adam"),
        lr_sequence("OneCycleLR epochs x stepsPerEpoch, no momentum cycling", {"kind": "OneCycleLR", "options": {"maxLr": 0.3, "epochs": 4, "stepsPerEpoch": 5, "cycleMomentum": False}}, [0.1]),
        lr_sequence("ReduceLROnPlateau torch's defaults but patience 2", {"kind": "ReduceLROnPlateau", "options": {"patience": 2}}, [0.1], metrics=metrics),
        lr_sequence("ReduceLROnPlateau factor 0.5, threshold 0.01, cooldown 2, minLr", {"kind": "ReduceLROnPlateau", "options": {"factor": 0.5, "patience": 1, "threshold": 0.01, "cooldown": 2, "minLr": [0.02, 0.001]}}, [0.1, 0.01], metrics=metrics),
        lr_sequence("ReduceLROnPlateau max, abs threshold", {"kind": "ReduceLROnPlateau", "options": {"mode": "max", "thresholdMode": "abs", "threshold": 0.015, "patience": 1, "factor": 0.3}}, [0.1], metrics=rising),
        lr_sequence("warmup 5 steps (startFactor 0.1) + cosine over the other 15", warmup(cos(15, 0.001), 5, 0.1), [0.1, 0.05]),
        lr_sequence("warmup 4 (torch's startFactor 1/3) + StepLR", warmup({"kind": "StepLR", "options": {"stepSize": 4, "gamma": 0.5}}, 4, 1.0 / 3), [0.1]),
        lr_sequence("warmup 3 + MultiStepLR", warmup({"kind": "MultiStepLR", "options": {"milestones": [5, 10], "gamma": 0.1}}, 3, 0.01), [0.1]),
        lr_sequence("warmup 6 + ExponentialLR", warmup({"kind": "ExponentialLR", "options": {"gamma": 0.8}}, 6, 0.5), [0.2]),
        lr_sequence("warmup 5 then constant", {"kind": "LinearLR", "options": {"startFactor": 0.2, "totalIters": 5}}, [0.1]),
        lr_sequence("warmup 4 + ReduceLROnPlateau", {"kind": "warmup+ReduceLROnPlateau", "warmup": {"steps": 4, "startFactor": 0.25}, "options": {"patience": 1, "factor": 0.5}}, [0.1], metrics=metrics),
    ]


def main():
    X = randn(N, 1, IN)
    Y = randn(N, OUT_FEATURES)
    init = [randn(OUT_FEATURES, IN, scale=0.5), randn(OUT_FEATURES, scale=0.5)]
    document = {
        "generator": "scripts/torch_optim_fixtures.py",
        "torch": torch.__version__,
        "data": {"X": {"shape": list(X.shape), "values": flat(X)}, "Y": {"shape": list(Y.shape), "values": flat(Y)}},
        "init": [{"shape": list(t.shape), "values": flat(t)} for t in init],
        "runs": optimizer_runs(init, (X, Y)),
        "clipping": clipping(),
        "schedules": schedules(),
    }
    # One item of each list per line: diffs stay small and the file stays readable.
    lists = {k: document.pop(k) for k in ("runs", "clipping", "schedules")}
    text = json.dumps(document)[:-1]
    for key, items in lists.items():
        body = ",\n".join("  " + json.dumps(i, separators=(",", ":")) for i in items)
        text += f', "{key}": [\n{body}\n]'
    with open(OUT, "w") as f:
        f.write(text.replace("Infinity", '"Infinity"') + "}\n")
    print(OUT, {k: len(v) for k, v in lists.items()})


if __name__ == "__main__":
    main()
