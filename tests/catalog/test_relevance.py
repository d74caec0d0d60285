"""Search relevance on the demo centre: recall@20 of the query set, per language."""

from __future__ import annotations

import pytest

from storefront.catalog.demo import load_demo

from .relevance import LANGS, by_language, load_queries, run_queries

MIN_RECALL = 0.9


@pytest.fixture
def app_config(app_config, demo_media):
    return {**app_config, "MEDIA_ROOT": str(demo_media)}


def test_the_set_has_thirty_queries_a_language():
    queries = load_queries()
    for lang in LANGS:
        assert sum(q["lang"] == lang for q in queries) >= 30
    assert len({(q["lang"], q["q"]) for q in queries}) == len(queries)


def test_recall_at_20_per_language(app, session, demo_media):
    load_demo(session, products=400, media_root=demo_media)
    session.commit()
    outcomes = run_queries(session)
    weak = [(o.query["q"], round(o.recall, 2), o.relevant) for o in outcomes if o.recall < 1]
    table = by_language(outcomes)
    assert all(o.relevant for o in outcomes), [o.query["q"] for o in outcomes if not o.relevant]
    for lang in LANGS:
        assert table[lang][0] >= MIN_RECALL, (lang, table[lang], weak)
