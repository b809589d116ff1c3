"""A page's settings in its URL (?k=3&lr_d=0.0005): the address bar is a link to this view."""

from __future__ import annotations

from dataclasses import asdict, fields, replace
from typing import Any, TypeVar

import streamlit as st

C = TypeVar("C")


def config_from_link(defaults: C) -> C:
    """`defaults` with the fields the URL's query parameters name; a bad link is said and ignored."""
    params = st.query_params
    values: dict[str, Any] = {}
    for field in fields(defaults):
        if field.name in params:
            kind = type(getattr(defaults, field.name))
            try:
                values[field.name] = parse_value(params[field.name], kind)
            except ValueError:
                st.warning(f"Ignored `{field.name}={params[field.name]}` in the link: not a {kind.__name__}.")
    try:
        return replace(defaults, **values)
    except ValueError as err:
        st.warning(f"Ignored the settings in the link: {err}.")
        return defaults


def parse_value(text: str, kind: type) -> Any:
    """The link's text as a value of `kind`: "False"/"0" are False (`bool("False")` would be True)."""
    if kind is bool:
        words = {"true": True, "1": True, "false": False, "0": False}
        if text.strip().lower() not in words:
            raise ValueError(text)
        return words[text.strip().lower()]
    return kind(text)


def link_to(config: Any, defaults: Any) -> None:
    """Put every field of `config` that differs from `defaults` into the URL, and only those."""
    wanted = {k: str(v) for k, v in asdict(config).items() if v != getattr(defaults, k)}
    if dict(st.query_params) != wanted:
        st.query_params.from_dict(wanted)
