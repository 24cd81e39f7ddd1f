"""The floor: a Streamlit app that replays a recorded view's elements with the same ``st.*`` calls and
no data work.  Not part of the product; started by bench/floor.py (``streamlit run bench/floor_app.py``
with ``SDP_FLOOR_DIR`` set to a folder of recordings, from the measured tree's folder so the same
.streamlit/config.toml applies).

A recording (bench/floor.py) is the list of ForwardMsgs one warm rerun of a real view sent:
``page_config_changed``, ``navigation`` and every delta (blocks and elements with their paths).  This
app rebuilds, once per recording (``st.cache_resource``), a plan of ``st.*`` calls whose arguments
are ready (texts, parsed Vega-Lite specs with their datasets as the same Arrow bytes, tables as
DataFrames, download payloads as the same bytes, the map as a pydeck Deck whose JSON is the recorded
text), then each run only makes those calls: ``set_page_config``, ``navigation`` with the same pages,
and per delta the element or block call at the same place in the tree.  ``?rec=N`` picks recording N
(the page is the real view's page, so the navigation shows the same page).

Approximations (bench/RESULTS.md, "Floor"): widgets get their recorded value as their default
(``index=``/``value=``) instead of through ``st.session_state``; the element ids are Streamlit's own
for these calls, so they differ from the real app's; a deferred download (callable data) replays as a
callable; element kinds this app does not know (none in the current app) are drawn as a
``st.markdown`` of the same size and counted as ``unknown`` in the recording's index.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import streamlit as st

REC_DIR = Path(os.environ.get("SDP_FLOOR_DIR", "bench/floor-recordings"))
Path_ = tuple[int, ...]


def read_messages(path: Path) -> list:
    """The ForwardMsgs of a recording file (each one a 4-byte big-endian length, then the message)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    data, out, i = path.read_bytes(), [], 0
    while i < len(data):
        n = int.from_bytes(data[i : i + 4], "big")
        msg = ForwardMsg()
        msg.ParseFromString(data[i + 4 : i + 4 + n])
        out.append(msg)
        i += 4 + n
    return out


def write_messages(path: Path, msgs: list) -> None:
    with open(path, "wb") as f:
        for m in msgs:
            b = m.SerializeToString()
            f.write(len(b).to_bytes(4, "big") + b)


# --- Building a plan from the recorded protos ----------------------------------------------------


def user_key(element_id: str) -> str | None:
    """The key the app gave a widget or container: ``$$ID-<hash>-<key>`` ("None": no key)."""
    parts = element_id.split("-", 2)
    if len(parts) < 3 or parts[2] == "None" or parts[2].startswith("FormSubmitter:"):
        return None
    return parts[2]


def _width(el_or_block) -> dict:
    if not el_or_block.HasField("width_config"):
        return {}
    w = el_or_block.width_config
    kind = w.WhichOneof("width_spec")
    if kind == "use_stretch":
        return {"width": "stretch"}
    if kind == "use_content":
        return {"width": "content"}
    if kind == "pixel_width":
        return {"width": int(w.pixel_width)}
    return {}


def _height(el_or_block) -> dict:
    if not el_or_block.HasField("height_config"):
        return {}
    h = el_or_block.height_config
    kind = h.WhichOneof("height_spec")
    if kind == "pixel_height":
        return {"height": int(h.pixel_height)}
    if kind == "use_stretch":
        return {"height": "stretch"}
    return {}


def _label_visibility(proto) -> dict:
    from streamlit.proto.LabelVisibility_pb2 import LabelVisibility

    v = proto.label_visibility.value
    names = {LabelVisibility.HIDDEN: "hidden", LabelVisibility.COLLAPSED: "collapsed"}
    return {"label_visibility": names[v]} if v in names else {}


def _gap(gap_config) -> str | None:
    from streamlit.proto.GapSize_pb2 import GapSize

    if gap_config.gap_size == GapSize.NONE:
        return None
    return GapSize.Name(gap_config.gap_size).lower() if gap_config.gap_size else "small"


def _table_frame(arrow: bytes):
    import pyarrow as pa

    return pa.ipc.open_stream(arrow).read_all().to_pandas()


class _RecordedDeck:
    """Made once per map: a pydeck Deck whose JSON is the recorded text (as the app's cached CompactDeck)."""

    @staticmethod
    def make(text: str, tooltip: str):
        import pydeck as pdk

        class ReplayDeck(pdk.Deck):
            def to_json(self) -> str:
                return text

        deck = ReplayDeck()
        if tooltip:
            deck._tooltip = json.loads(tooltip)
        return deck


def element_call(el, media: dict[str, tuple[bytes, str, str]]) -> tuple[str, tuple, dict]:
    """(DeltaGenerator method, args, kwargs) that draws ``el`` (an Element proto) again."""
    from streamlit.proto.Alert_pb2 import Alert
    from streamlit.proto.Markdown_pb2 import Markdown

    kind = el.WhichOneof("type")
    x = getattr(el, kind)
    w = _width(el)
    if kind == "markdown":
        kw = {"unsafe_allow_html": x.allow_html, **({"help": x.help} if x.help else {}), **w}
        if x.element_type == Markdown.CAPTION:
            return "caption", (x.body,), kw
        if x.element_type == Markdown.DIVIDER:
            return "divider", (), w
        return "markdown", (x.body,), kw
    if kind == "heading":
        method = {"h1": "title", "h2": "header", "h3": "subheader"}.get(x.tag)
        kw = {"anchor": False if x.hide_anchor else (x.anchor or None), **({"help": x.help} if x.help else {}), **w}
        if x.divider and method != "title":
            kw["divider"] = x.divider if x.divider not in ("true", "auto") else True
        if method is None:
            return "markdown", (f"{'#' * int(x.tag[1:] or 4)} {x.body}",), {}
        return method, (x.body,), kw
    if kind == "code":
        return "code", (x.code_text, x.language or None), {"line_numbers": x.show_line_numbers, "wrap_lines": x.wrap_lines, **w}
    if kind == "alert":
        method = {Alert.ERROR: "error", Alert.WARNING: "warning", Alert.SUCCESS: "success"}.get(x.format, "info")
        return method, (x.body,), {"icon": x.icon or None}
    if kind == "metric":
        kw = {"help": x.help or None, "border": x.show_border, **_label_visibility(x), **w}
        return "metric", (x.label, x.body, x.delta or None), kw
    if kind == "vega_lite_chart":
        spec = json.loads(x.spec)
        if x.datasets:
            spec["datasets"] = {d.name: bytes(d.data.data) for d in x.datasets}
        data = bytes(x.data.data) if x.HasField("data") and x.data.data else None
        kw = {"key": user_key(x.id) if x.id else None, "alt": x.alt or None, **w}
        kw["theme"] = "streamlit" if x.theme == "streamlit" else None
        if x.selection_mode:
            kw.update(on_select="rerun", selection_mode=list(x.selection_mode))
        return "vega_lite_chart", (data, spec), kw
    if kind == "table":
        from streamlit.proto.Table_pb2 import Table

        border = {Table.BorderMode.HORIZONTAL: "horizontal", Table.BorderMode.NONE: False}.get(x.border_mode, True)
        kw = {"hide_index": x.hide_index or None, "hide_header": x.hide_header or None, "border": border, "alt": x.alt or None}
        return "table", (_table_frame(bytes(x.arrow_data.data)),), kw
    if kind == "dataframe":  # st.dataframe (not a selectable one): the same frame, index hidden as the app does
        return "dataframe", (_table_frame(bytes(x.arrow_data.data)),), {"hide_index": True, **w}
    if kind == "download_button":
        body, name, mime = media.get(x.url, (b"", "download", "application/octet-stream"))
        data: bytes | Callable[[], bytes] = body
        if x.deferred_file_id:

            def data(b=body) -> bytes:
                return b

        kw = {
            "file_name": name,
            "mime": mime,
            "key": user_key(x.id),
            "help": x.help or None,
            "on_click": "ignore" if x.ignore_rerun else "rerun",
            "type": x.type or "secondary",
            "icon": x.icon or None,
            "disabled": x.disabled,
            **w,
        }
        return "download_button", (x.label, data), kw
    if kind == "deck_gl_json_chart":
        kw = {"key": user_key(x.id) if x.id else None, "alt": x.alt or None, **_height(el)}
        if x.selection_mode:
            from streamlit.proto.DeckGlJsonChart_pb2 import DeckGlJsonChart

            kw.update(
                on_select="rerun",
                selection_mode="multi-object" if DeckGlJsonChart.MULTI_OBJECT in x.selection_mode else "single-object",
            )
        return "pydeck_chart", (_RecordedDeck.make(x.json, x.tooltip),), kw
    if kind == "selectbox":
        kw = {
            "index": x.default if x.HasField("default") else None,
            "key": user_key(x.id),
            "help": x.help or None,
            "placeholder": x.placeholder or None,
            "disabled": x.disabled,
            "accept_new_options": x.accept_new_options,
            **_label_visibility(x),
        }
        return "selectbox", (x.label, list(x.options)), kw
    if kind == "multiselect":
        kw = {
            "default": [x.options[i] for i in x.default],
            "key": user_key(x.id),
            "help": x.help or None,
            "max_selections": x.max_selections or None,
            "placeholder": x.placeholder or None,
            "disabled": x.disabled,
            "accept_new_options": x.accept_new_options,
            **_label_visibility(x),
        }
        return "multiselect", (x.label, list(x.options)), kw
    if kind == "checkbox":
        from streamlit.proto.Checkbox_pb2 import Checkbox

        method = "toggle" if x.type == Checkbox.StyleType.TOGGLE else "checkbox"
        kw = {"value": x.default, "key": user_key(x.id), "help": x.help or None, "disabled": x.disabled, **_label_visibility(x)}
        return method, (x.label,), kw
    if kind == "text_input":
        kw = {
            "value": x.default,
            "max_chars": x.max_chars or None,
            "key": user_key(x.id),
            "help": x.help or None,
            "autocomplete": x.autocomplete or None,
            "placeholder": x.placeholder or None,
            "disabled": x.disabled,
            "icon": x.icon or None,
            **_label_visibility(x),
        }
        return "text_input", (x.label,), kw
    if kind == "button":
        kw = {"help": x.help or None, "type": x.type or "secondary", "icon": x.icon or None, "disabled": x.disabled, **w}
        if x.is_form_submitter:
            return "form_submit_button", (x.label,), kw
        return "button", (x.label,), {"key": user_key(x.id), **kw}
    if kind == "page_link":
        page = PageRef(x.page_script_hash or x.page)
        kw = {"label": x.label or None, "icon": x.icon or None, "help": x.help or None, "disabled": x.disabled, **w}
        if x.query_string:
            kw["query_params"] = dict(parse_qsl(x.query_string, keep_blank_values=True))
        return "page_link", (page,), kw
    if kind == "empty":
        return "empty", (), {}
    # Unknown here: a markdown of the same size keeps the element count and roughly the payload.
    return "markdown", ("x" * len(x.SerializeToString()),), {}


def block_call(block, columns: list | None) -> tuple[str, tuple, dict]:
    """(DeltaGenerator method, args, kwargs) that opens ``block`` (a Block proto) again."""
    from streamlit.proto.Block_pb2 import Block

    kind = block.WhichOneof("type")
    key = user_key(block.id) if block.id else None
    if columns:  # st.columns: a horizontal flex container holding the columns
        c0 = columns[0]
        kw = {"gap": _gap(c0.column.gap_config), "border": c0.column.show_border}
        return "columns", ([c.column.weight for c in columns],), kw
    if kind == "expandable":
        x = block.expandable
        kw = {"expanded": x.expanded, "icon": x.icon or None}
        if x.id:
            kw.update(key=user_key(x.id), on_change="rerun")
        return "expander", (x.label,), kw
    if kind == "form":
        x = block.form
        return (
            "form",
            (x.form_id,),
            {"clear_on_submit": x.clear_on_submit, "enter_to_submit": x.enter_to_submit, "border": x.border},
        )
    if kind == "flex_container":
        x = block.flex_container
        kw = {
            "border": x.border,
            "key": key,
            "horizontal": x.direction == Block.FlexContainer.Direction.HORIZONTAL,
            "gap": _gap(x.gap_config),
            **_width(block),
            **_height(block),
        }
        return "container", (), kw
    if kind == "vertical":
        return "container", (), {"border": block.vertical.border, "key": key}
    return "container", (), {"key": key}


def build_plan(msgs: list, media: dict[str, tuple[bytes, str, str]]) -> dict:
    """A recording as a plan: page config, navigation and the ordered calls (path, parent, method, args, kwargs)."""
    plan: dict[str, Any] = {"page_config": None, "navigation": None, "calls": []}
    deltas = []
    for m in msgs:
        kind = m.WhichOneof("type")
        if kind == "page_config_changed":
            plan["page_config"] = m.page_config_changed
        elif kind == "navigation":
            plan["navigation"] = m.navigation
        elif kind == "delta":
            deltas.append((tuple(m.metadata.delta_path), m.delta))
    # Columns come as a horizontal flex container followed by one column block each.
    columns: dict[Path_, list] = {}
    for path, d in deltas:
        if d.WhichOneof("type") == "add_block" and d.add_block.WhichOneof("type") == "column":
            columns.setdefault(path[:-1], []).append(d.add_block)
    plan["nav"] = nav_spec(plan["navigation"], deltas)
    for path, d in deltas:
        kind = d.WhichOneof("type")
        if kind == "add_block":
            if d.add_block.WhichOneof("type") == "column":
                continue  # made by its parent's st.columns
            method, args, kw = block_call(d.add_block, columns.get(path))
            plan["calls"].append((path, "block", method, args, kw, len(columns.get(path) or [])))
        elif kind == "new_element":
            method, args, kw = element_call(d.new_element, media)
            plan["calls"].append((path, "element", method, args, kw, 0))
    return plan


def nav_spec(nav, deltas) -> dict:
    """The recorded navigation: each page's title, icon, url path, section and visibility."""
    if nav is None:
        return {"pages": [], "position": "sidebar", "expanded": False}
    link_names = {}
    for _, d in deltas:  # the default page's own url path ("home"), which the navigation does not carry
        if d.WhichOneof("type") == "new_element" and d.new_element.WhichOneof("type") == "page_link":
            link_names[d.new_element.page_link.page_script_hash] = d.new_element.page_link.page
    pages = []
    for i, p in enumerate(nav.app_pages):
        url = p.url_pathname or link_names.get(p.page_script_hash) or ("home" if p.is_default else f"page{i}")
        pages.append(
            {
                "hash": p.page_script_hash,
                "section": p.section_header,
                "kw": {
                    "title": p.page_name,
                    "icon": p.icon or None,
                    "url_path": url,
                    "default": p.is_default,
                    "visibility": "hidden" if p.is_hidden else "visible",
                },
            }
        )
    from streamlit.proto.Navigation_pb2 import Navigation

    position = {Navigation.HIDDEN: "hidden", Navigation.SIDEBAR: "sidebar", Navigation.TOP: "top"}[nav.position]
    return {"pages": pages, "position": position, "expanded": bool(nav.expanded)}


class PageRef(str):
    """A page_link's target, resolved to this run's st.Page when the call is made."""


@st.cache_resource(show_spinner=False)
def load_plans(rec_dir: str) -> dict[str, dict]:
    """Every recording of ``rec_dir`` as a plan, made once per server."""
    index = json.loads((Path(rec_dir) / "index.json").read_text(encoding="utf-8"))
    plans = {}
    for rec in index["recordings"]:
        media = {}
        for url, (fname, name, mime) in rec.get("media", {}).items():
            media[url] = ((Path(rec_dir) / fname).read_bytes(), name, mime)
        plans[str(rec["id"])] = build_plan(read_messages(Path(rec_dir) / rec["file"]), media)
    return plans


# --- Running a plan ------------------------------------------------------------------------------


def replay(plan: dict, pages: dict[str, Any]) -> None:
    from streamlit.delta_generator import DeltaGenerator

    dgs: dict[Path_, Any] = {(0,): st, (1,): st.sidebar}  # st: the main area (the page's own container)
    for path, what, method, args, kw, ncols in plan["calls"]:
        target = dgs.get(path[:-1], st)
        if what == "element" and isinstance(dgs.get(path), DeltaGenerator):
            target = dgs[path]  # a second delta at one path replaces that element (a placeholder)
        if method == "page_link":
            args = (pages.get(args[0], args[0]),)
        out = getattr(target, method)(*args, **kw)
        if what == "block":
            if ncols:
                for i, col in enumerate(out):
                    dgs[(*path, i)] = col
            else:
                dgs[path] = out
        elif isinstance(out, DeltaGenerator):
            dgs[path] = out


_PAGES: dict[str, Any] = {}  # this run's st.Page objects by script hash and url path


def _replay_page() -> None:
    rec = st.query_params.get("rec", "")
    plan = load_plans(str(REC_DIR)).get(rec)
    if plan is None:
        st.markdown(f"No recording {rec!r} in {REC_DIR}.")
        return
    replay(plan, _PAGES)


def main() -> None:
    plans = load_plans(str(REC_DIR))
    first = next(iter(plans.values()), None)
    pc = first["page_config"] if first else None
    if pc is not None:
        from streamlit.proto.PageConfig_pb2 import PageConfig

        icon = pc.favicon.removeprefix("emoji:") or None
        layout = "wide" if pc.layout == PageConfig.WIDE else "centered"
        st.set_page_config(page_title=pc.title or None, page_icon=icon, layout=layout)
    nav = first["nav"] if first else {"pages": []}
    if not nav["pages"]:
        _replay_page()
        return
    sections: dict[str, list] = {}
    for p in nav["pages"]:  # new st.Page objects every run, as the app makes them
        page = st.Page(_replay_page, **p["kw"])
        sections.setdefault(p["section"], []).append(page)
        _PAGES[p["hash"]] = _PAGES[p["kw"]["url_path"]] = page
    pages = sections if len(sections) > 1 or "" not in sections else sections[""]
    st.navigation(pages, position=nav["position"], expanded=nav["expanded"]).run()


if __name__ == "__main__":
    main()
