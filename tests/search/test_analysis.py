"""Unit tests of the text analysis shared by indexing and querying."""

from __future__ import annotations

from collections import defaultdict

import pytest
from ckanext.odpo.search import analysis
from hypothesis import given, settings
from hypothesis import strategies as st


def by_position(text: str, **options: bool) -> dict[int, set[str]]:
    positions: dict[int, set[str]] = defaultdict(set)
    for token in analysis.analyse(text, **options):
        positions[token.position].add(token.term)
    return dict(positions)


def phrase_found(query: str, value: str, *, stem: bool = False) -> bool:
    """Whether the query-time tokens of ``query`` occur in the index-time
    tokens of ``value`` at the same distances (a phrase query)."""
    wanted = [(t.position, t.term) for t in analysis.analyse(query, stem=stem)]
    indexed = by_position(value, index=True, stem=stem)
    if not wanted:
        return False
    first_position = wanted[0][0]
    return any(
        all(
            term in indexed.get(start + pos - first_position, ())
            for pos, term in wanted
        )
        for start in indexed
    )


# -- normalisation ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ＡＢＣ１２３", "ABC123"),
        ("ｶﾅ", "カナ"),
        ("ﾃﾞｰﾀ", "データ"),
        ("①", "1"),
        ("河川", "河川"),
    ],
)
def test_nfkc_normalisation(text: str, expected: str) -> None:
    assert analysis.normalise(text) == expected


@pytest.mark.parametrize("char", ["河", "あ", "カ", "ー", "々", "한"])
def test_cjk_characters(char: str) -> None:
    assert analysis.is_cjk(char)


@pytest.mark.parametrize("char", ["A", "1", " ", "-", "、", "é"])
def test_non_cjk_characters(char: str) -> None:
    assert not analysis.is_cjk(char)


@pytest.mark.parametrize(
    ("full", "half"),
    [
        ("ＡＥＤ", "AED"),
        ("ｶﾅ", "カナ"),
        ("Ｗｉ－Ｆｉ", "Wi-Fi"),
        ("２０２４年", "2024年"),
    ],
)
def test_width_forms_analyse_alike(full: str, half: str) -> None:
    for index in (False, True):
        assert analysis.analyse(full, index=index) == analysis.analyse(
            half, index=index
        )


# -- CJK bigrams and unigrams -----------------------------------------------


def test_index_time_cjk_bigrams_unigrams_and_ngrams() -> None:
    assert by_position("河川水質", index=True) == {
        0: {"河川", "河"},
        1: {"川水", "川"},
        2: {"水質", "水"},
        3: {"質"},
    }
    assert by_position("河川水質", index=True, ngrams=True) == {
        0: {"河川", "河", "河川水", "河川水質"},
        1: {"川水", "川", "川水質"},
        2: {"水質", "水"},
        3: {"質"},
    }
    assert by_position("河川水質調査結果", index=True, ngrams=True)[1] == {
        "川水", "川", "川水質", "川水質調", "川水質調査", "川水質調査結"}


def test_ngram_queries_cover_a_cjk_run() -> None:
    assert analysis.phrase("河川水", ngrams=True) == [(0, "河川水")]
    assert analysis.phrase("物流株式会社", ngrams=True) == [(0, "物流株式会社")]
    # 6-grams every six characters, the last one ending with the run
    assert analysis.phrase("避難場所一覧表です", ngrams=True) == [
        (0, "避難場所一覧"), (3, "所一覧表です")]
    assert analysis.phrase("大阪府避難場所一覧表です", ngrams=True) == [
        (0, "大阪府避難場"), (6, "所一覧表です")]
    assert analysis.phrase("大阪府の避難場所一覧表です", ngrams=True) == [
        (0, "大阪府の避難"), (6, "場所一覧表で"), (1, "所一覧表です")]
    # what follows the run keeps its distance; other words are unchanged
    assert analysis.phrase("東大阪市 Wi-Fi", ngrams=True) == [(0, "東大阪市"), (4, "wi"), (1, "fi")]
    assert analysis.phrase("水", ngrams=True) == analysis.phrase("水")


def ngram_phrase_found(query: str, value: str) -> bool:
    wanted = analysis.phrase(query, ngrams=True)
    indexed = by_position(value, index=True, ngrams=True)
    if not wanted:
        return False
    offsets = []
    total = 0
    for distance, term in wanted:
        total += distance
        offsets.append((total, term))
    return any(all(term in indexed.get(start + offset, ()) for offset, term in offsets)
               for start in indexed)


_KANJI = "大阪市府水質調査河川の人口一覧"


@st.composite
def query_and_value(draw: st.DrawFn) -> tuple[str, str]:
    """A value, and a query taken from it with one character perhaps changed:
    found, or found all but for its start, middle or end."""
    value = draw(st.text(alphabet=_KANJI + " ・A", min_size=5, max_size=20))
    start = draw(st.integers(0, len(value) - 1))
    query = list(value[start:start + draw(st.integers(1, 14))])
    if draw(st.booleans()):
        where = draw(st.sampled_from((0, len(query) // 2, len(query) - 1)))
        query[where] = draw(st.sampled_from(_KANJI))
    return "".join(query), value


@settings(max_examples=600, deadline=None)
@given(query_and_value())
def test_ngram_queries_match_where_the_bigram_phrase_matches(case: tuple[str, str]) -> None:
    """The n-gram cover of a query finds exactly what the phrase of bigrams
    finds (a small alphabet, so that partial and repeated matches are common)."""
    query, value = case
    assert ngram_phrase_found(query, value) == phrase_found(query, value)


def test_query_time_cjk_bigrams_only() -> None:
    assert analysis.terms("河川水質") == ["河川", "川水", "水質"]
    assert analysis.terms("水質") == ["水質"]


def test_single_character_query_is_a_unigram() -> None:
    assert analysis.terms("水") == ["水"]
    assert phrase_found("水", "河川水質調査結果")


@pytest.mark.parametrize(
    "query", ["水質", "調査結果", "河川水質調査結果", "果", "川水"]
)
def test_substrings_are_found(query: str) -> None:
    assert phrase_found(query, "河川水質調査結果")


@pytest.mark.parametrize(
    ("query", "value"), [("保育施設", "保育 施設"), ("水質調査", "調査水質")]
)
def test_scattered_characters_are_not_a_phrase(query: str, value: str) -> None:
    assert not phrase_found(query, value)


# -- words ------------------------------------------------------------------


def test_words_are_lower_cased_split_and_folded() -> None:
    assert analysis.terms("Open Data, 2024!") == ["open", "data", "2024"]
    assert analysis.terms("Café") == ["cafe"]


def test_catenated_word_is_indexed_with_its_parts() -> None:
    assert by_position("Wi-Fi", index=True) == {0: {"wi", "wifi"}, 1: {"fi"}}
    assert analysis.terms("Wi-Fi") == ["wi", "fi"]
    assert analysis.terms("wifi") == ["wifi"]


@pytest.mark.parametrize(
    ("query", "value"),
    [("wifi", "Wi-Fi"), ("Wi-Fi", "WiFi"), ("wi fi", "Wi-Fi"), ("covid19", "COVID-19")],
)
def test_catenation_and_splitting_meet(query: str, value: str) -> None:
    assert phrase_found(query, value)


def test_case_changes_split_words() -> None:
    assert analysis.terms("CamelCase") == ["camel", "case"]
    assert analysis.terms("CamelCase", split_case=False) == ["camelcase"]
    assert by_position("CamelCase", index=True)[0] == {"camel", "camelcase"}


def test_punctuation_only_analyses_to_nothing() -> None:
    assert analysis.terms("...") == []
    assert analysis.terms("「」、。") == []
    assert analysis.analyse("!!!", index=True) == []


def test_katakana_middle_dot_separates_words() -> None:
    # U+30FB is punctuation (Word_Break=Other), not part of a katakana word:
    # 公衆トイレ・避難所 is the two words 公衆トイレ and 避難所.
    assert analysis.terms("トイレ・避難所") == analysis.terms("トイレ 避難所")
    assert "・" not in {t.term for t in analysis.analyse("トイレ・避難所", index=True)}


# -- stemming -----------------------------------------------------------------


def test_stemming_only_when_asked() -> None:
    assert analysis.terms("running rivers") == ["running", "rivers"]
    assert analysis.terms("running rivers", stem=True) == ["run", "river"]
    assert analysis.terms("河川", stem=True) == ["河川"]


def test_catenation_is_stemmed_in_stemmed_fields() -> None:
    assert by_position("Bus-Stops", index=True, stem=True) == {
        0: {"bus", "busstop"},
        1: {"stop"},
    }


# -- index/query consistency --------------------------------------------------

WORDS = (
    "河川", "水質", "調査", "公衆トイレ", "避難所", "人流データ", "ｶﾅ", "ＡＥＤ", "AED",
    "water", "Quality", "running", "Wi-Fi", "COVID-19", "2024年", "大阪市", "の",
)  # fmt: skip
SEPARATORS = ("", " ", "、", "/", "（", "）")

texts = st.builds(
    lambda words, seps: "".join(w + s for w, s in zip(words, seps, strict=False)),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=5),
    st.lists(st.sampled_from(SEPARATORS), min_size=5, max_size=5),
)


@settings(max_examples=200, deadline=None)
@given(value=texts, stem=st.booleans())
def test_a_value_is_found_by_its_own_text(value: str, stem: bool) -> None:
    assert phrase_found(value, value, stem=stem)


@settings(max_examples=200, deadline=None)
@given(value=texts, data=st.data())
def test_every_word_of_a_value_is_found(value: str, data: st.DataObject) -> None:
    words = (
        value.replace("、", " ").replace("/", " ").replace("（", " ").replace("）", " ")
    )
    word = data.draw(st.sampled_from(words.split()))
    assert phrase_found(word, value)


@settings(max_examples=200, deadline=None)
@given(
    value=st.text(alphabet="河川水質調査結果保育施設一覧", min_size=1, max_size=12),
    data=st.data(),
)
def test_every_cjk_substring_is_found(value: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(value) - 1))
    end = data.draw(st.integers(start + 1, len(value)))
    assert phrase_found(value[start:end], value)
