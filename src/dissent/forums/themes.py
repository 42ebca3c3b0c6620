"""Similar questions of a listening session grouped into themes for its moderators.

Chinese and English alike, with no model to download: each question is normalised (NFKC,
case folded, Traditional characters to Simplified with opencc-python-reimplemented's own
dictionaries, punctuation and English stop words dropped), weighted by TF-IDF over character 2-4-grams within
words (`char_wb`: Chinese needs no word segmentation), reduced by TruncatedSVD, and
clustered by average-linkage agglomerative clustering, cutting at a cosine distance
(``distance``). A group of two or more is a theme; the rest are ungrouped. Character
n-grams do not cross languages: an English question and a Chinese one on the same topic
meet only through words they share (VPN, IT); grouping across languages would need a
translation model.

Plain data in, plain data out: no Django, nothing from the rest of ``dissent``.

Every run is bounded: at most MAX_QUESTIONS questions (the newest, i.e. the last given) and
MAX_CHARS characters of each. Average linkage keeps a distance matrix of n² floats, 32 MB
at the cap (docs/benchmarks.md has the time and memory measured there).

numpy and scikit-learn are imported by the first call, not with this module: importing
scikit-learn costs 2.5 s of CPU and 120 MB, which no process should pay at start-up for a
page that a moderator opens now and then.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from opencc import OpenCC

if TYPE_CHECKING:
    import numpy as np

MAX_QUESTIONS = 2000  # the newest questions considered; older ones are left out of every theme
MAX_CHARS = 500  # of each question's opening, where it says what it is about (questions hold up to 2,000)
HASHED_FEATURES = 2**20  # buckets the n-grams are hashed into
MAX_FEATURES = 20_000  # n-grams kept, the most widespread: a bound on TruncatedSVD's work
DEFAULT_DISTANCE = 0.8  # cosine distance at which groups stop merging (tests/forums: measured)
SVD_COMPONENTS = 100  # at most; fewer when the questions or their n-grams are fewer
LABEL_TERMS = 3
LABEL_SAMPLE = 20  # a label is read from the members nearest the centre
LABEL_CHARS = 200  # of each question's opening: a label names what the opening says
RANDOM_STATE = 0  # TruncatedSVD is randomised: a fixed seed gives the same themes for the same input

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_NOT_WORD = re.compile(r"[\W_]+")
_LATIN_WORD = re.compile(r"[^\W\d_]{3,}")
_CJK_RUN = re.compile(f"[{_CJK}]{{2,}}")


@dataclass(frozen=True)
class Theme:
    id: str  # stable between runs: see theme_id
    label: str  # its top terms, e.g. "visa · processing · 签证"
    representative: str  # the question id nearest the group's centre
    members: tuple[str, ...]  # question ids, nearest the centre first


@dataclass(frozen=True)
class Themes:
    groups: tuple[Theme, ...]  # largest first; only groups of 2 or more
    ungrouped: tuple[str, ...]  # question ids in no group, in the order given


def group_questions(questions: Sequence[tuple[str, str]], *, distance: float = DEFAULT_DISTANCE) -> Themes:
    """Themes of ``questions``, (question id, text) pairs given oldest first, ids unique.

    Only the last MAX_QUESTIONS (the newest) are considered, and the first MAX_CHARS of each
    text. A question with nothing in common with any other once normalised (only
    punctuation, say) is ungrouped.
    """
    considered = list(questions[-MAX_QUESTIONS:])
    ids = [question_id for question_id, _ in considered]
    if len(set(ids)) != len(ids):
        raise ValueError("question ids must be unique")
    texts = [normalise(text[:MAX_CHARS]) for _, text in considered]
    vectors = embed(texts)
    groups = [rows for rows in cluster(vectors, distance) if len(rows) >= 2]
    vocabulary = [set(terms(text[:LABEL_CHARS])) for text in texts]
    document_frequency = Counter(term for words in vocabulary for term in words)
    themes = []
    for rows in groups:
        members = nearest_centre_first(vectors, rows)
        counts = Counter(term for row in members[:LABEL_SAMPLE] for term in vocabulary[row])
        theme = Theme(
            id=theme_id(ids[min(rows)]),
            label=label(counts, document_frequency, len(texts)),
            representative=ids[members[0]],
            members=tuple(ids[row] for row in members),
        )
        themes.append((-len(rows), min(rows), theme))
    grouped = {row for rows in groups for row in rows}
    return Themes(
        groups=tuple(theme for *_, theme in sorted(themes)),
        ungrouped=tuple(question_id for row, question_id in enumerate(ids) if row not in grouped),
    )


def theme_id(anchor: str) -> str:
    """A theme is named after its oldest member. Newer questions joining it, or members other
    than the oldest leaving, keep its id; merged themes keep the older one's, and of a split
    the part holding the oldest member keeps it. The representative would not do: it moves
    whenever the group's centre does."""
    return "theme-" + hashlib.sha256(anchor.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def normalise(text: str) -> str:
    """One form for what people type differently: NFKC (full-width letters, compatibility
    ideographs), case folded, Traditional characters as Simplified, punctuation as spaces.
    English stop words go too: "could the" would otherwise make any two questions alike."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    text = unicodedata.normalize("NFKC", text).casefold()
    table = {ord(char): simplified(char) for char in set(_CJK_CHAR.findall(text))}
    words = _NOT_WORD.sub(" ", text.translate(table)).split()
    return " ".join(word for word in words if word not in ENGLISH_STOP_WORDS)


@cache
def simplified(char: str) -> str:
    """One character converted by OpenCC's Traditional-to-Simplified dictionaries.

    Character by character, not phrase by phrase: the pure-Python converter takes about 10 ms
    for 2,000 characters of Traditional text (superlinear in the length of a run without
    punctuation), 20 s for 2,000 such questions; a character's conversion is cached, and
    the few phrases it would convert otherwise (乾隆) do not decide a theme. The cache holds
    at most one entry per CJK code point."""
    return _converter().convert(char)


@cache
def _converter() -> OpenCC:
    return OpenCC("t2s")


def embed(texts: list[str]) -> np.ndarray:
    """A unit-length row per text, or a zero row for one sharing no n-gram with any other.

    TF-IDF over character 2-4-grams within words, keeping only n-grams found in two questions
    or more (an n-gram of one question adds to its length, never to a likeness), at most
    MAX_FEATURES of them, the most widespread; reduced by TruncatedSVD when there are
    enough questions and n-grams to reduce. The n-grams are hashed rather than looked up in
    a vocabulary: at the cap, 2,000 questions of 500 random Chinese characters, building
    the vocabulary took 9.5 s and hashing takes 1 s (collisions in 2**20 buckets are rare
    enough not to move a theme).
    """
    import numpy as np
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
    from sklearn.preprocessing import normalize

    if len(texts) < 2:
        return np.zeros((len(texts), 1), dtype=np.float32)
    counts = HashingVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 4),
        n_features=HASHED_FEATURES,
        alternate_sign=False,
        norm=None,
        dtype=np.float32,
    ).transform(texts)
    document_frequency = np.asarray((counts > 0).sum(axis=0)).ravel()
    shared = np.flatnonzero(document_frequency >= 2)
    if shared.size == 0:
        return np.zeros((len(texts), 1), dtype=np.float32)
    if shared.size > MAX_FEATURES:
        shared = shared[np.argsort(-document_frequency[shared], kind="stable")[:MAX_FEATURES]]
    matrix = TfidfTransformer(sublinear_tf=True).fit_transform(counts[:, shared])
    components = min(SVD_COMPONENTS, matrix.shape[0] - 1, matrix.shape[1] - 1)
    if components >= 2:
        svd = TruncatedSVD(n_components=components, random_state=RANDOM_STATE)
        with np.errstate(invalid="ignore"):  # identical questions: their variance ratio is 0 / 0, unused
            reduced = svd.fit_transform(matrix)
    else:
        reduced = matrix.toarray()
    return normalize(reduced)


def cluster(vectors: np.ndarray, distance: float) -> list[list[int]]:
    """Rows in clusters, each in ascending order: average linkage over cosine distances, merging
    while two clusters' mean distance is below ``distance``. Zero rows stay alone."""
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering

    rows = [row for row in range(len(vectors)) if vectors[row].any()]
    if len(rows) < 2:
        return [[row] for row in range(len(vectors))]
    distances = 1.0 - np.clip(vectors[rows] @ vectors[rows].T, -1.0, 1.0)
    np.fill_diagonal(distances, 0.0)
    model = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=distance
    )
    clusters: dict[int, list[int]] = {}
    for row, label in zip(rows, model.fit_predict(distances), strict=True):
        clusters.setdefault(int(label), []).append(row)
    return list(clusters.values())


def nearest_centre_first(vectors: np.ndarray, rows: list[int]) -> list[int]:
    """``rows`` ordered by cosine similarity to their mean, nearest first; ties oldest first."""
    import numpy as np

    similarity = np.round(vectors[rows] @ vectors[rows].mean(axis=0), 5)  # equal, give or take rounding
    return [rows[k] for k in sorted(range(len(rows)), key=lambda k: (-similarity[k], rows[k]))]


def terms(text: str) -> Iterator[str]:
    """What a label is made of: Latin-script words of three letters or more that are not
    English stop words, and runs of two to four Chinese characters (no spaces mark Chinese
    words; label() prefers the longest run its questions share)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    for word in _LATIN_WORD.findall(_CJK_CHAR.sub(" ", text)):
        if word not in ENGLISH_STOP_WORDS:
            yield word
    for run in _CJK_RUN.findall(text):
        for size in (2, 3, 4):
            for start in range(len(run) - size + 1):
                yield run[start : start + size]


def label(counts: Counter[str], document_frequency: Counter[str], total: int) -> str:
    """The group's top terms, joined by " · ".

    A term's weight is the number of the group's questions holding it times its rarity among
    all questions (idf), so "visa" labels the visa questions and "time" labels nothing. Terms
    of one question only are used when its questions share none. A run of Chinese characters
    inside a longer one found in as many questions is passed over (签证 for 签证处理), and so is
    one sharing a character with a run already chosen (公室 after 办公室).
    """
    shared = {term: count for term, count in counts.items() if count >= 2} or dict(counts)
    # A run inside a longer one in as many questions is inside one a character longer, too.
    covered = {
        part
        for longer, count in shared.items()
        if len(longer) > 2 and _CJK_CHAR.match(longer)
        for part in (longer[:-1], longer[1:])
        if shared.get(part) == count
    }
    weight = {
        term: count * math.log((1 + total) / document_frequency[term])
        for term, count in shared.items()
        if term not in covered
    }
    chosen: list[str] = []
    for term in sorted(weight, key=lambda term: (-weight[term], term)):
        if len(chosen) == LABEL_TERMS:
            break
        if not (_CJK_CHAR.match(term) and any(set(term) & set(other) for other in chosen)):
            chosen.append(term)
    return " · ".join(chosen)
