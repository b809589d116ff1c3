"""Every setting of a page in its URL, and lesson links that hide or lock controls.

Each control of the lab is a Streamlit widget bound to a query parameter of the same name
(`bind="query-params"`): moving a slider rewrites the address bar (?k=3&lr_d=0.0005, defaults left
out), and opening that address on another machine sets the same values. This module adds what a
teacher's link needs on top of the binding:

- a value a control cannot take (?k=50, ?data=moon, ?seed=x) is refused with a notice at the top of
  the page, and the control keeps its default (Streamlit alone would drop it silently, or move a
  slider to the end of its range);
- ?hide=k,lr_d hides those controls and ?lock=data greys them out: the link's values hold and the
  page cannot change them (Streamlit ignores what a disabled widget sends);
- `lesson_link_popover` builds such a link from the current view.

A page draws its controls with the functions below instead of `st.slider`, `st.selectbox`, ...;
`app.py` calls `begin` before the page and `finish` after it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote, urlencode, urlparse

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

BIND = "query-params"
HIDE, LOCK = "hide", "lock"
_CONTROLS = "link_controls"  # key -> label of every control drawn in this run
_DEFAULTS = "link_defaults"  # key -> default value of every control drawn so far on this page
_RESETS = "link_resets"  # key -> default, for values refused in the previous run
_NOTICES = "link_notices"  # (page, text) of the refused values, shown while the page is open
PROJECTOR = "projector"  # the projector-mode switch (lab.ui.projector): how a page looks, no run's setting
PAGE = "link_page"  # the page this session shows
_PARTS = "link_parts"  # keys of the controls that open a part of the page (a tab): no run's setting
_RERUN = "link_rerun"  # a value was refused in this run: run once more


def plain(text: str, limit: int = 40) -> str:
    """`text` from outside (a link, a file) made safe to show in Markdown: cut to `limit`
    characters and every character Markdown, LaTeX or an icon code could act on escaped."""
    cut = text if len(text) <= limit else text[:limit] + "…"
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'])", r"\\\1", cut)


def names_in(values: list[str]) -> set[str]:
    """The control names of ?hide=a,b&hide=c (commas or repeated parameters)."""
    return {name.strip() for value in values for name in value.split(",") if name.strip()}


def begin(page: str) -> None:
    """Before a page runs: forget the last run's controls, and the last page's notices."""
    state = st.session_state
    if state.get(PAGE) != page:
        state[_NOTICES] = []
        state[_DEFAULTS] = {}
        state[PAGE] = page
    state[_CONTROLS] = {}


def finish(notices: DeltaGenerator) -> None:
    """After a page ran: show the link's refused values in `notices` (a container at the top of the
    page) and, if a value was refused in this run, run once more so that its control shows its default."""
    state = st.session_state
    controls = state.get(_CONTROLS, {})
    for kind in (HIDE, LOCK):
        for name in sorted(names_in(st.query_params.get_all(kind)) - set(controls)):
            notice(f"The link's {kind}={name} names no control of this page: ignored.")
    for text in state.get(_NOTICES, []):
        notices.warning(text, icon=":material/link_off:")
    if state.pop(_RERUN, False):
        st.rerun()
    state[_RESETS] = {}  # a refused control this run did not draw keeps nothing for later


def notice(text: str) -> None:
    """Say `text` at the top of the page while it is open (a link's value refused, say)."""
    notices = st.session_state.setdefault(_NOTICES, [])
    if text not in notices:
        notices.append(text)


def set_controls(values: dict[str, Any], keep: tuple[str, ...] = ()) -> None:
    """Set every control this page has drawn to `values[key]`, or to its default where `values` has
    no key (all but those in `keep`). For a button's callback: the page then draws them so."""
    state = st.session_state
    for key, default in state.get(_DEFAULTS, {}).items():
        if key not in keep and key not in values:
            state[key] = default
    for key, value in values.items():  # also those not drawn yet (σ appears with the Gaussian decoder)
        state[key] = value


def control_keys() -> set[str]:
    """The keys of every control drawn so far on this page."""
    return set(st.session_state.get(_DEFAULTS, {}))


def current_values() -> dict[str, Any]:
    """The value of every control drawn so far on this page, by key (what a saved run restores)."""
    state = st.session_state
    return {key: state[key] for key in state.get(_DEFAULTS, {}) if key in state}


def parts() -> set[str]:
    """The keys of the controls drawn so far that open a part of the page (`tabs`, a radio with
    `part=True`): where the student is, not a setting of the run (a scenario leaves them be)."""
    return set(st.session_state.get(_PARTS, ()))


def locked() -> set[str]:
    """The controls this page's link locks (?lock=...)."""
    return names_in(st.query_params.get_all(LOCK))


def _hidden() -> set[str]:
    return names_in(st.query_params.get_all(HIDE))


def _prepare(
    key: str,
    label: str,
    default: Any,
    accepts: Callable[[str], bool],
    what: str,
    keep: Callable[[list[str]], list[Any]] | None = None,
) -> None:
    """What every control does before its widget: register, hide, and check the link's value.

    A refused value is said, and the control is set back to `default` in the next run (in this
    one, the link's value still seeds the widget: Streamlit reads the URL first). `keep`: the
    control takes several values (?layers=a&layers=b); the accepted ones are kept, as `keep` turns
    them into values (Streamlit's binding keeps them in the address), the default if none is."""
    state = st.session_state
    state.setdefault(_CONTROLS, {})[key] = label
    state.setdefault(_DEFAULTS, {})[key] = default
    if key in _hidden():
        st.html(f"<style>.st-key-{key} {{ display: none; }}</style>")
    resets = state.setdefault(_RESETS, {})
    if key in resets:
        state[key] = resets.pop(key)
        return
    values = st.query_params.get_all(key)
    raw = ", ".join(values) if keep else values[-1] if values else None
    if raw is None or all(accepts(v) for v in (values if keep else [raw])):
        return
    kept = keep([v for v in values if accepts(v)]) if keep else []
    then = "The others are kept." if kept else "It is at its default."
    notice(f"The link's {key}={plain(raw)} was refused: “{plain(label, 60)}” takes {what}. {then}")
    resets[key] = kept or default
    state[_RERUN] = True


def _number(text: str, kind: type) -> float | None:
    try:
        value = float(text) if kind is float else int(text)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def _in_range(lo: float, hi: float, kind: type) -> Callable[[str], bool]:
    def accepts(text: str) -> bool:
        value = _number(text, kind)
        return value is not None and lo <= value <= hi

    return accepts


def _one_of(options: Sequence[Any], format_func: Callable[[Any], Any]) -> tuple[Callable[[str], bool], str]:
    labels = [str(format_func(o)) for o in options]
    shown = ", ".join(labels) if len(labels) <= 6 else f"{labels[0]} … {labels[-1]} ({len(labels)} values)"

    def accepts(text: str) -> bool:
        return text in labels or any(_number(text, float) == o for o in options if isinstance(o, int | float))

    return accepts, f"one of {plain(shown, 120)}"


def slider(
    where: DeltaGenerator,
    label: str,
    lo: float,
    hi: float,
    value: float,
    step: float | None = None,
    *,
    key: str,
    help: str | None = None,
) -> Any:
    """st.slider bound to ?key=..., with the link's value checked against [lo, hi]."""
    kind = float if isinstance(value, float) else int
    _prepare(key, label, value, _in_range(lo, hi, kind), f"a number from {lo:g} to {hi:g}")
    return where.slider(label, lo, hi, value, step, key=key, help=help, bind=BIND, disabled=key in locked())


def number_input(
    where: DeltaGenerator,
    label: str,
    lo: int,
    hi: int,
    value: int,
    *,
    key: str,
    help: str | None = None,
    on_change: Callable[[], None] | None = None,
) -> int:
    """st.number_input (whole numbers) bound to ?key=..., the link's value checked against [lo, hi]."""
    _prepare(key, label, value, _in_range(lo, hi, int), f"a whole number from {lo} to {hi}")
    return int(
        where.number_input(
            label,
            lo,
            hi,
            value,
            key=key,
            help=help,
            on_change=on_change,
            bind=BIND,
            disabled=key in locked(),
        )
    )


def _choice(
    widget: str,
    where: DeltaGenerator,
    label: str,
    options: Sequence[Any],
    index: int,
    key: str,
    format_func: Callable[[Any], Any],
    **extra: Any,
) -> Any:
    """`where.<widget>` (select_slider, selectbox or radio) bound to ?key=<the option's label>, the
    link's value one of `options`; `options[index]` is the default."""
    accepts, what = _one_of(options, format_func)
    _prepare(key, label, options[index], accepts, what)
    first = (
        options[index] if widget == "select_slider" else index
    )  # select_slider takes a value, not an index
    draw = getattr(where, widget)
    return draw(label, options, first, format_func, key=key, bind=BIND, disabled=key in locked(), **extra)


def select_slider(
    where: DeltaGenerator,
    label: str,
    options: Sequence[Any],
    value: Any,
    *,
    key: str,
    format_func: Callable[[Any], Any] = str,
    help: str | None = None,
) -> Any:
    """st.select_slider bound to ?key=..., the link's value one of `options`."""
    return _choice(
        "select_slider", where, label, options, list(options).index(value), key, format_func, help=help
    )


def selectbox(
    where: DeltaGenerator,
    label: str,
    options: Sequence[Any],
    *,
    key: str,
    index: int = 0,
    format_func: Callable[[Any], Any] = str,
    help: str | None = None,
) -> Any:
    """st.selectbox bound to ?key=... (the URL holds the option's label), the link's value one of `options`."""
    return _choice("selectbox", where, label, options, index, key, format_func, help=help)


def radio(
    where: DeltaGenerator,
    label: str,
    options: Sequence[Any],
    *,
    key: str,
    index: int = 0,
    format_func: Callable[[Any], Any] = str,
    help: str | None = None,
    horizontal: bool = False,
    label_visibility: str = "visible",
    part: bool = False,
) -> Any:
    """st.radio bound to ?key=... (the URL holds the option's label), the link's value one of `options`;
    `part`: its options are parts of the page, as tabs are (see `parts`)."""
    if part:
        st.session_state.setdefault(_PARTS, set()).add(key)
    return _choice(
        "radio",
        where,
        label,
        options,
        index,
        key,
        format_func,
        help=help,
        horizontal=horizontal,
        label_visibility=label_visibility,
    )


def multiselect(
    where: DeltaGenerator,
    label: str,
    options: Sequence[Any],
    default: Sequence[Any],
    *,
    key: str,
    format_func: Callable[[Any], Any] = str,
    help: str | None = None,
) -> list[Any]:
    """st.multiselect bound to ?key=a&key=b (the options' labels), each of the link's values one of `options`."""
    accepts, what = _one_of(options, format_func)
    labels = [str(format_func(o)) for o in options]

    def keep(texts: list[str]) -> list[Any]:
        """The options the accepted texts name (by label, or by number for numeric options)."""
        return [
            options[labels.index(text)]
            if text in labels
            else next(o for o in options if isinstance(o, int | float) and _number(text, float) == o)
            for text in texts
        ]

    _prepare(key, label, list(default), accepts, what, keep=keep)
    return where.multiselect(
        label, options, default, format_func, key=key, help=help, bind=BIND, disabled=key in locked()
    )


def toggle(
    where: DeltaGenerator, label: str, value: bool = False, *, key: str, help: str | None = None
) -> bool:
    """st.toggle bound to ?key=true/false (any case: ?x=False is False)."""
    _prepare(key, label, value, lambda text: text.lower() in ("true", "false"), "true or false")
    return where.toggle(label, value, key=key, help=help, bind=BIND, disabled=key in locked())


def tabs(labels: Sequence[str], *, key: str) -> Sequence[DeltaGenerator]:
    """st.tabs whose open tab is ?key=<label>: a link opens the lesson on that tab."""
    accepts, what = _one_of(labels, str)
    _prepare(key, "open tab", labels[0], accepts, what)
    st.session_state.setdefault(_PARTS, set()).add(key)
    return st.tabs(labels, key=key, bind=BIND)


def lesson_link(base: str, params: dict[str, str], hide: Sequence[str], lock: Sequence[str]) -> str:
    """The address `base` with the page's settings and the controls to hide and lock."""
    query = {k: v for k, v in params.items() if k not in (HIDE, LOCK)}
    if hide:
        query[HIDE] = ",".join(hide)
    if lock:
        query[LOCK] = ",".join(lock)
    return base + ("?" + urlencode(query, quote_via=quote, safe=",") if query else "")


def lesson_link_popover(page_path: str) -> None:
    """The sidebar's "Lesson link": choose controls to hide or lock, copy the address that does it."""
    controls: dict[str, str] = st.session_state.get(_CONTROLS, {})
    if not controls:
        return
    with st.sidebar.popover("Lesson link", icon=":material/link:", width="stretch"):
        st.caption(
            "The address of this view with every setting in it. Hidden controls are not shown; locked "
            "ones are shown greyed out and keep the link's value."
        )
        names = list(controls)
        chosen = {}
        for kind in (HIDE, LOCK):
            chosen[kind] = st.multiselect(
                f"{kind.capitalize()} these controls",
                names,
                default=[n for n in names if n in names_in(st.query_params.get_all(kind))],
                format_func=lambda n: f"{controls[n]} ({n})",
                key=f"link_{kind}_{page_path}",
            )
        address = urlparse(st.context.url or "")  # the page's own address: keep only its server
        base = f"{address.scheme}://{address.netloc}/{page_path}" if address.netloc else f"/{page_path}"
        st.code(
            lesson_link(base, st.query_params.to_dict(), chosen[HIDE], chosen[LOCK]),
            language=None,
            wrap_lines=True,
        )
        st.caption("Copy it with the button at the code's top right.")
