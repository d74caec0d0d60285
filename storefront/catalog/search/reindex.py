"""Rebuilding every piece's search document, for migrations and `storefront search reindex`."""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, column, select, table, text, update

from .documents import DocumentTexts, build_document

# Plain tables, so that a migration can run this with the schema it has, not the models'.
_products = table(
    "products",
    *(
        column(c)
        for c in (
            "id",
            "sku",
            "artisan_id",
            "craft_id",
            "search_text",
            *(
                f"{f}_{lang}"
                for f in ("title", "description", "materials")
                for lang in "ar fr en".split()
            ),
        )
    ),
)
_artisans = table("artisans", column("id"), column("name"), column("name_ar"), column("shop_id"))
_shops = table("shops", column("id"), column("number"))
_crafts = table("crafts", column("id"), column("name_ar"), column("name_fr"), column("name_en"))
BATCH = 500


def reindex_products(conn: Connection) -> int:
    """Recompute search_text (and SQLite's FTS rows) of every product; returns how many.

    Runs in the caller's transaction; use after a change to the document's layout, the
    stemmers or synonyms.toml.
    """
    p, a, s, c = _products.c, _artisans.c, _shops.c, _crafts.c
    stmt = (
        select(
            p.id,
            p.sku,
            *(p[f"title_{lang}"] for lang in ("ar", "fr", "en")),
            *(p[f"description_{lang}"] for lang in ("ar", "fr", "en")),
            *(p[f"materials_{lang}"] for lang in ("ar", "fr", "en")),
            a.name,
            a.name_ar,
            s.number,
            c.name_ar,
            c.name_fr,
            c.name_en,
        )
        .join(_artisans, a.id == p.artisan_id)
        .outerjoin(_shops, s.id == a.shop_id)
        .join(_crafts, c.id == p.craft_id)
        .order_by(p.id)
    )
    rows = []
    for r in conn.execute(stmt):
        texts = DocumentTexts(
            sku=r[1],
            titles=tuple(r[2:5]),
            details=tuple(r[5:11]),
            maker_names=(r[11], r[12]),
            craft_names=(r[14], r[15], r[16]),
            shop_number=r[13],
        )
        rows.append({"pid": r[0], "body": build_document(texts)})
    write_search_texts(conn, rows)
    return len(rows)


def write_search_texts(conn: Connection, rows: list[dict]) -> None:
    """Store search texts given as {"pid": id, "body": text}, and SQLite's FTS rows."""
    change = update(_products).where(_products.c.id == bindparam("pid"))
    sqlite = conn.dialect.name == "sqlite"
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        conn.execute(change.values(search_text=bindparam("body")), chunk)
        if sqlite:
            ids = ",".join(str(int(r["pid"])) for r in chunk)
            conn.execute(text(f"DELETE FROM products_fts WHERE rowid IN ({ids})"))
            conn.execute(text("INSERT INTO products_fts (rowid, body) VALUES (:pid, :body)"), chunk)
