"""Why a command found nothing: the scope it was given has no stored document. Shared by
``check``, ``export`` and ``search``, so each says it the same way, in Korean first."""

from __future__ import annotations

from ..model.korean import josa
from ..store import views


def _years(ys: list[int | None]) -> str:
    return ", ".join("연도 없음" if y is None else str(y) for y in ys)


def empty_scope(conn, *, municipality: str | None, years: list[int] | None) -> str | None:
    """A Korean/English sentence when no stored document matches the municipality and years
    (a document without a year matches every year), else None."""
    stored = views.stored_years(conn, municipality=municipality)
    if not stored:
        if municipality:
            known = ", ".join(views.stored_years(conn)) or "없음"
            return (f"{josa(municipality, '은/는')} 저장된 문서가 없습니다 (저장된 지방자치단체: {known}) / "
                    f"no document of {municipality} is stored")
        return "저장된 문서가 없습니다. 먼저 sijeong ingest 로 문서를 넣으십시오 / the database holds no document: run sijeong ingest"
    if not years:
        return None
    if any(None in ys or set(years) & set(ys) for ys in stored.values()):
        return None
    wanted = ", ".join(map(str, years))
    have = "; ".join(f"{m} {_years(ys)}" for m, ys in stored.items())
    return (f"{wanted}년에 저장된 문서가 없습니다 (저장된 연도: {have}) / "
            f"no stored document for {wanted}")


def explain_empty(url: str | None, *, municipality: str | None, years: list[int] | None) -> str | None:
    """:func:`empty_scope` on the database at ``url`` (its own short connection)."""
    from ..settings import Settings
    from ..store import db

    engine = db.create_engine_for(Settings.from_env(url).db_url)
    try:
        with engine.connect() as conn:
            return empty_scope(conn, municipality=municipality, years=years)
    finally:
        engine.dispose()
