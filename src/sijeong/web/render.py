"""Templates and the one place that answers a page either as HTML or as its ``.json`` twin."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import JSONResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context

from ..model.korean import particle
from . import formatting as f
from . import links, listing

HERE = Path(__file__).parent


def make_templates() -> Jinja2Templates:
    """Compiled once per process: ``auto_reload`` off, so a render does not stat the template
    files (and their includes) to see whether they changed; the compiled templates stay in
    the environment's cache (400 > the number of templates)."""
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.auto_reload = False
    env.globals.update(
        GRADES=f.GRADES,
        GRADE_CLASS=f.GRADE_CLASS,
        SEVERITY_LABELS=f.SEVERITY_LABELS,
        DIRECTION_LABELS=f.DIRECTION_LABELS,
        LEVEL_LABELS=f.LEVEL_LABELS,
        LEVEL_TAGS=f.LEVEL_TAGS,
        ACCOUNT_LABELS=f.ACCOUNT_LABELS,
        budget_scopes=f.BUDGET_SCOPES,
        MONEY_UNITS=f.MONEY_UNITS,
        source_href=links.source_href,
        particle=particle,
        grade_label=f.grade_label,
        qs=qs,
        fig=_fig,
        calc=_calc,
        number=f.number,
        rate=f.rate,
        plain_number=f.plain_number,
        money_rows=listing.money_rows,
        sort_headers=listing.sort_headers,
    )
    env.filters["number"] = f.number
    env.filters["rate"] = f.rate
    return templates


@pass_context
def _fig(ctx, row: Any, field: str, kind: str = "number") -> Any:
    return links.figure(row, field, kind, ctx.get("unit"))


@pass_context
def _calc(ctx, value: Any, sources: Any, kind: str = "number") -> Any:
    return links.computed(value, sources, kind, ctx.get("unit"))


@pass_context
def qs(ctx, path: str | None = None, **changes: Any) -> str:
    """The current URL (or ``path``) with query parameters changed; None removes one."""
    request: Request = ctx["request"]
    params = dict(request.query_params)
    for k, v in changes.items():
        if v is None or v == "":
            params.pop(k, None)
        else:
            params[k] = str(v)
    base = path if path is not None else request.url.path
    return base + ("?" + urlencode(params) if params else "")


def respond(request: Request, template: str, context: dict[str, Any] | Callable[[], dict[str, Any]], data: Any) -> Any:
    """HTML from ``template``, or ``data`` as JSON when the path ends in ``.json``.

    ``data`` may be a function of no arguments giving the JSON answer: then it is only built
    for the JSON twin, not for every HTML page; ``context`` likewise, built only for the HTML
    page (what only the page shows — the filters' lists, the error badges — is then not read
    for the JSON twin)."""
    if request.url.path.endswith(".json"):
        return JSONResponse(data() if callable(data) else data)
    state = request.app.state
    ctx = dict(context() if callable(context) else context)
    ctx.setdefault("unit", request.state.unit)
    ctx.setdefault("unit_label", f.unit_label(request.state.unit))
    ctx.setdefault("json_href", _json_href(request))
    if "municipality" not in ctx:  # a page that names its municipality asks no default of the database
        ctx["municipality"] = getattr(request.state, "municipality", None) or state.default_municipality(request)
    return state.templates.TemplateResponse(request, template, ctx)


def _json_href(request: Request) -> str:
    path = request.url.path.rstrip("/") or "/dashboard"
    q = request.url.query
    return f"{path}.json" + (f"?{q}" if q else "")


def pager(total: int, limit: int, offset: int) -> dict[str, Any]:
    return {
        "total": total,
        "limit": limit,
        "offset": offset,
        "prev": max(offset - limit, 0) if offset > 0 else None,
        "next": offset + limit if offset + limit < total else None,
        "first": offset + 1 if total else 0,
        "last": min(offset + limit, total),
    }
