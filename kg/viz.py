"""The entity graph as one interactive HTML page that works offline.

``graph_view`` turns an rdflib graph into plain node and edge lists (what is
drawn, in which colour and shape, where, and the evidence behind each edge);
``render_html`` writes them into a page with vis-network inlined from pyvis's
packaged assets, a legend that filters by class, a province filter, a search
box and a details panel that shows every fact's evidence sentence and article.

Only the entity graph is drawn (provinces, districts, plans, metrics,
enterprises, agencies and the relations between them); assertions, evidence
and articles go into the details panel. Article text is untrusted: the data is
embedded as JSON with ``<``, ``>`` and ``&`` escaped, and the page's script
builds every tooltip and panel with ``textContent``, never HTML.

The page is deterministic: nodes and edges are sorted, positions come from a
seeded layout rounded to tenths of a pixel, and nothing random is written.
"""

from __future__ import annotations

import functools
import html
import json
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS
from rdflib.term import Node

from kg.namespaces import KG, OA, SCHEMA

LAYOUT_SEED = 20240601
VIS_VERSION = "9.1.2"
NODE_FONT, PROVINCE_FONT = 18, 28  # label sizes in canvas pixels at zoom 1
MAX_FORCE_LAYOUT = 3000  # the force layout is quadratic: past this, clusters even with physics
LABEL_WIDTH = 18  # columns per line of a drawn label; a CJK character takes two
FONT_FACE = "'Noto Sans CJK SC','Noto Sans SC','PingFang SC','Microsoft YaHei',sans-serif"


@dataclass(frozen=True)
class ClassStyle:
    """How one class is drawn and named in the legend."""

    name: str  # legend name, in Chinese
    color: str
    shape: str  # a vis-network shape with the label below it, so size applies
    symbol: str  # the legend glyph with the same look


# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
CLASS_STYLES: dict[str, ClassStyle] = {
    "Province": ClassStyle("省份", "#D55E00", "star", "★"),
    "District": ClassStyle("地区", "#E69F00", "square", "■"),
    "Plan": ClassStyle("规划 / 政策", "#0072B2", "diamond", "◆"),
    "Metric": ClassStyle("指标", "#009E73", "dot", "●"),
    "Enterprise": ClassStyle("企业", "#CC79A7", "triangle", "▲"),
    "Agency": ClassStyle("机构", "#56B4E9", "triangleDown", "▼"),
}


@dataclass(frozen=True)
class RelationStyle:
    name: str
    color: str


RELATION_STYLES: dict[str, RelationStyle] = {
    "issues": RelationStyle("发布", "#0072B2"),
    "targets": RelationStyle("目标", "#009E73"),
    "locatesIn": RelationStyle("位于", "#CC79A7"),
    "issuedBy": RelationStyle("发布机构", "#56B4E9"),
    "partOf": RelationStyle("隶属", "#A0A0A0"),
}

_LEVELS = {KG.City: "市", KG.County: "县 / 区", KG.Zone: "园区 / 新区"}


@dataclass(frozen=True)
class ArticleView:
    """An article that states or mentions something drawn."""

    title: str
    source: str
    url: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class EvidenceView:
    """One sentence stating a fact, in ``GraphView.articles[article]``."""

    sentence: str
    article: int | None
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class NodeView:
    """One entity as drawn."""

    id: int
    iri: str
    kind: str  # a key of CLASS_STYLES
    name: str  # the canonical name (rdfs:label), in full
    label: str  # the name as drawn: wrapped, shortened
    color: str
    shape: str
    size: float  # grows with the degree
    degree: int
    provinces: tuple[int, ...]  # ids of the Province nodes it belongs to
    details: tuple[tuple[str, str], ...]  # more (field, value) rows for the panel
    mentions: tuple[int, ...]  # indexes into GraphView.articles
    x: float
    y: float


@dataclass(frozen=True)
class EdgeView:
    """One fact between two drawn entities, with the sentences that state it."""

    id: int
    source: int
    target: int
    relation: str  # a key of RELATION_STYLES
    evidence: tuple[EvidenceView, ...]


@dataclass(frozen=True)
class GraphView:
    """What the page draws: sorted nodes and edges, positions, and the physics switch."""

    nodes: tuple[NodeView, ...]
    edges: tuple[EdgeView, ...]
    articles: tuple[ArticleView, ...]
    physics: bool  # False past the threshold: the page starts at the precomputed positions
    physics_threshold: int

    @property
    def notice(self) -> str:
        """A line for the page when it starts without physics."""
        if self.physics:
            return ""
        return (
            f"大图模式：{len(self.nodes)} 个节点超过 {self.physics_threshold} 的阈值，"
            "物理模拟已关闭，节点按省份分簇、位置预先计算。缩放以查看标签。"
        )


# ---------------------------------------------------------------------------
# graph → view


def _text(value: Node | None) -> str | None:
    return None if value is None else str(value)


def _label(graph: Graph, node: Node) -> str | None:
    """The rdfs:label to show: Chinese first, then any, the smallest for determinism."""
    labels = [o for o in graph.objects(node, RDFS.label) if isinstance(o, Literal)]
    if not labels:  # a place the articles do not name, only contain
        labels = [o for o in graph.objects(node, SKOS.prefLabel) if isinstance(o, Literal)]
    if not labels:
        return None
    return str(min(labels, key=lambda lit: (lit.language != "zh", str(lit))))


def _int(value: Node | None) -> int | None:
    try:
        return None if value is None else int(str(value))
    except ValueError:
        return None


def _metric_label(graph: Graph, node: URIRef) -> str:
    """Indicator, value, unit and year, for a metric that came without a label."""
    indicator = _text(graph.value(node, KG.indicator)) or ""
    value = _text(graph.value(node, KG.value)) or ""
    unit = _text(graph.value(node, KG.unit)) or ""
    year = _text(graph.value(node, KG.year))
    return f"{indicator} {value}{unit}".strip() + (f" ({year})" if year else "")


_TOKEN = re.compile(r"[0-9A-Za-z.,%+\-≥≈()·/]+|\s+|.", re.DOTALL)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap_label(text: str, width: int = LABEL_WIDTH, max_lines: int = 3) -> str:
    """Break a label into lines of about ``width`` columns (a CJK character is two)."""
    total = _width(text.strip())
    if width < total <= width * max_lines:  # balanced: no lone character on the last line
        width = math.ceil(total / math.ceil(total / width)) + 1
    lines: list[str] = []
    line = ""
    for token in _TOKEN.findall(text.strip()):
        if token.isspace():
            if line:
                line += " "
            continue
        if line and _width(line) + _width(token) > width:
            lines.append(line.rstrip())
            line = ""
        line += token
    if line:
        lines.append(line.rstrip())
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:-1] + "…"
    return "\n".join(lines)


def _kind(graph: Graph, node: URIRef) -> str | None:
    types = set(graph.objects(node, RDF.type))
    for kind in CLASS_STYLES:
        if KG[kind] in types:
            return kind
    return None


def _number(value: Node) -> str:
    """A decimal as people write it, the same from memory and from Turtle: 5000, 8.6."""
    number = value.toPython() if isinstance(value, Literal) else None
    if isinstance(number, Decimal):
        return f"{number.normalize():f}"
    return str(value)


def _details(graph: Graph, node: URIRef, kind: str) -> tuple[tuple[str, str], ...]:
    rows: list[tuple[str, str]] = []
    types = set(graph.objects(node, RDF.type))
    for cls, level in _LEVELS.items():
        if cls in types:
            rows.append(("层级", level))
    code = graph.value(node, KG.divisionCode)
    if code is not None:
        rows.append(("行政区划代码", str(code)))
    if kind == "Metric":
        for field, prop in (
            ("指标", KG.indicator),
            ("数值", KG.value),
            ("上限", KG.valueMax),
            ("单位", KG.unit),
            ("年份", KG.year),
            ("周期", KG.period),
            ("界限", KG.bound),
        ):
            value = graph.value(node, prop)
            if value is not None:
                rows.append((field, _number(value)))
    rows.extend(("Wikidata", str(same)) for same in sorted(graph.objects(node, OWL.sameAs)))
    return tuple(rows)


def _articles(graph: Graph) -> tuple[tuple[ArticleView, ...], dict[Node, int]]:
    found = []
    for node in set(graph.subjects(RDF.type, KG.Article)):
        source = _text(graph.value(node, KG.sourceFile)) or ""
        index = _int(graph.value(node, KG.articleIndex)) or 0
        found.append((source, index, str(node), node))
    found.sort(key=lambda row: row[:3])
    views, index_of = [], {}
    for i, (source, _, iri, node) in enumerate(found):
        views.append(
            ArticleView(
                title=_label(graph, node) or source or iri,
                source=source,
                url=_text(graph.value(node, SCHEMA.url)),
                date=_text(graph.value(node, DCTERMS.date)),
            )
        )
        index_of[node] = i
    return tuple(views), index_of


def _evidence(graph: Graph, articles: dict[Node, int]) -> dict[tuple, list[EvidenceView]]:
    """(subject, predicate, object) → the evidence of its assertions, sorted."""
    found: dict[tuple, list[EvidenceView]] = defaultdict(list)
    for fact in graph.subjects(RDF.type, KG.Assertion):
        key = (
            graph.value(fact, RDF.subject),
            graph.value(fact, RDF.predicate),
            graph.value(fact, RDF.object),
        )
        for ev in graph.objects(fact, KG.evidence):
            found[key].append(
                EvidenceView(
                    sentence=_text(graph.value(ev, OA.exact)) or "",
                    article=articles.get(graph.value(ev, KG.inArticle)),  # type: ignore[arg-type]
                    start=_int(graph.value(ev, OA.start)),
                    end=_int(graph.value(ev, OA.end)),
                )
            )
    for key, views in found.items():
        unique = set(views)
        found[key] = sorted(
            unique, key=lambda e: (e.article is None, e.article or 0, e.start or 0, e.sentence)
        )
    return found


def _size(degree: int) -> float:
    return round(min(12.0 + 5.0 * math.sqrt(degree), 48.0), 1)


def graph_view(graph: Graph, *, physics_threshold: int = 1000) -> GraphView:
    """The entity graph of ``graph`` as sorted node and edge lists, laid out."""
    # Entities, sorted: by class, then division code, then name.
    entities: list[tuple[tuple, URIRef, str, str]] = []
    for kind in CLASS_STYLES:
        for node in set(graph.subjects(RDF.type, KG[kind])):
            if not isinstance(node, URIRef) or _kind(graph, node) != kind:
                continue
            name = _label(graph, node)
            if kind == "Metric" and not name:
                name = _metric_label(graph, node)
            name = name or str(node).rsplit("/", 1)[-1]
            code = _text(graph.value(node, KG.divisionCode))
            order = list(CLASS_STYLES).index(kind)
            entities.append(((order, code is None, code or "", name, str(node)), node, kind, name))
    entities.sort(key=lambda row: row[0])
    ids = {node: i for i, (_, node, _, _) in enumerate(entities)}

    articles, article_index = _articles(graph)
    evidence = _evidence(graph, article_index)

    raw_edges: list[tuple[int, int, int, str, URIRef, URIRef]] = []
    for order, relation in enumerate(RELATION_STYLES):
        for s, o in graph.subject_objects(KG[relation]):
            if s in ids and o in ids and s != o:
                raw_edges.append((ids[s], ids[o], order, relation, s, o))  # type: ignore[arg-type]
    raw_edges.sort(key=lambda row: row[:3])
    edges = tuple(
        EdgeView(
            id=i,
            source=s,
            target=t,
            relation=relation,
            evidence=tuple(evidence.get((s_iri, KG[relation], o_iri), ())),
        )
        for i, (s, t, _, relation, s_iri, o_iri) in enumerate(raw_edges)
    )

    kinds = [kind for _, _, kind, _ in entities]
    degree = [0] * len(entities)
    for edge in edges:
        degree[edge.source] += 1
        degree[edge.target] += 1
    provinces = _provinces(kinds, edges)
    physics = len(entities) <= physics_threshold
    if physics and len(entities) <= MAX_FORCE_LAYOUT:
        positions = _spring_positions(len(entities), edges)
    else:
        positions = _cluster_positions(kinds, edges, provinces, degree)

    mentions: dict[Node, set[int]] = defaultdict(set)
    for s, o in graph.subject_objects(KG.mentionedIn):
        if s in ids and o in article_index:
            mentions[s].add(article_index[o])

    nodes = tuple(
        NodeView(
            id=i,
            iri=str(node),
            kind=kind,
            name=name,
            label=wrap_label(name, width=LABEL_WIDTH),
            color=CLASS_STYLES[kind].color,
            shape=CLASS_STYLES[kind].shape,
            size=_size(degree[i]),
            degree=degree[i],
            provinces=tuple(sorted(provinces[i])),
            details=_details(graph, node, kind),
            mentions=tuple(sorted(mentions.get(node, ()))),
            x=positions[i][0],
            y=positions[i][1],
        )
        for i, (_, node, kind, name) in enumerate(entities)
    )
    return GraphView(
        nodes=nodes,
        edges=edges,
        articles=articles,
        physics=physics,
        physics_threshold=physics_threshold,
    )


def _provinces(kinds: list[str], edges: Iterable[EdgeView]) -> list[set[int]]:
    """For each node, the provinces it belongs to, following the relations outward."""
    found: list[set[int]] = [{i} if kind == "Province" else set() for i, kind in enumerate(kinds)]
    by_relation: dict[str, list[EdgeView]] = defaultdict(list)
    for edge in edges:
        by_relation[edge.relation].append(edge)
    parent: dict[int, list[int]] = defaultdict(list)
    for edge in by_relation["partOf"]:
        parent[edge.source].append(edge.target)
    for start in range(len(kinds)):  # up the partOf chain to a province
        seen, stack = {start}, list(parent.get(start, ()))
        while stack:
            up = stack.pop()
            if up in seen:
                continue
            seen.add(up)
            if kinds[up] == "Province":
                found[start].add(up)
            stack.extend(parent.get(up, ()))
    # Then along the facts, in the order that lets each class inherit from the one before.
    for relation, downward in (
        ("issues", True),
        ("locatesIn", False),
        ("targets", True),
        ("issuedBy", True),
    ):
        for edge in by_relation[relation]:
            if downward:
                found[edge.target] |= found[edge.source]
            else:
                found[edge.source] |= found[edge.target]
    return found


# ---------------------------------------------------------------------------
# layout


def _spring_positions(n: int, edges: tuple[EdgeView, ...]) -> list[tuple[float, float]]:
    """A seeded force-directed layout of the linked nodes, the start for the page's physics.

    Nodes without an edge would drift to the rim and shrink everything else; they
    sit on a grid below instead, where the page keeps them out of the physics.
    """
    positions = [(0.0, 0.0)] * n
    linked = sorted({e.source for e in edges} | {e.target for e in edges})
    bottom = 0.0
    if linked:
        scale = 60.0 * math.sqrt(len(linked)) + 60.0
        index = {node: k for k, node in enumerate(linked)}
        pairs = [(index[e.source], index[e.target]) for e in edges]
        pos = _fruchterman_reingold(len(linked), pairs, scale, 100 if len(linked) <= 500 else 50)
        for node, k in index.items():
            positions[node] = (round(float(pos[k][0]), 1), round(float(pos[k][1]), 1))
        bottom = scale + 200.0
    isolated = sorted(set(range(n)) - set(linked))
    columns = max(1, math.ceil(math.sqrt(len(isolated) * 2.5)))
    cell_x, cell_y = 170.0, 80.0
    for k, i in enumerate(isolated):
        row, col = divmod(k, columns)
        positions[i] = (
            round((col - (columns - 1) / 2) * cell_x, 1),
            round(bottom + row * cell_y, 1),
        )
    return positions


def _fruchterman_reingold(
    n: int, pairs: list[tuple[int, int]], scale: float, iterations: int = 100
) -> Any:
    """Fruchterman-Reingold as networkx's spring_layout does it, vectorised and seeded.

    networkx switches to a loop over nodes past 500 of them (30 s for 1,000);
    here repulsion is one dense step and attraction runs over the edges only,
    about a second for 1,000 nodes. The caller keeps n to the physics threshold.
    """
    import numpy as np

    rng = np.random.default_rng(LAYOUT_SEED)
    x, y = rng.random(n), rng.random(n)
    a = np.array([p[0] for p in pairs], dtype=np.intp)
    b = np.array([p[1] for p in pairs], dtype=np.intp)
    k2 = 1.0 / n
    k = math.sqrt(k2)
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        dx = x[:, None] - x[None, :]
        dy = y[:, None] - y[None, :]
        dist2 = np.maximum(dx * dx + dy * dy, 1e-4)
        np.fill_diagonal(dist2, np.inf)
        repulsion = k2 / dist2
        fx, fy = (dx * repulsion).sum(axis=1), (dy * repulsion).sum(axis=1)
        ex, ey = x[a] - x[b], y[a] - y[b]
        pull = np.sqrt(ex * ex + ey * ey) / k
        np.add.at(fx, a, -ex * pull)
        np.add.at(fx, b, ex * pull)
        np.add.at(fy, a, -ey * pull)
        np.add.at(fy, b, ey * pull)
        length = np.sqrt(fx * fx + fy * fy)
        length = np.where(length < 0.01, 0.1, length)
        x += fx * temperature / length
        y += fy * temperature / length
        temperature -= cooling
    pos = np.stack([x - x.mean(), y - y.mean()], axis=1)
    extent = np.abs(pos).max()
    return pos * (scale / extent) if extent > 0 else pos


def _cluster_positions(
    kinds: list[str], edges: tuple[EdgeView, ...], provinces: list[set[int]], degree: list[int]
) -> list[tuple[float, float]]:
    """Positions for a large graph: one radial tree per province, packed on shelves.

    Linear in the size of the graph (a force layout of thousands of nodes takes
    minutes in the browser), and deterministic.
    """
    n = len(kinds)
    neighbours: list[list[int]] = [[] for _ in range(n)]
    for edge in edges:
        neighbours[edge.source].append(edge.target)
        neighbours[edge.target].append(edge.source)
    for row in neighbours:
        row.sort()

    # Each node in the cluster of its first province; the rest by connected component.
    cluster_of = [min(p) if p else -1 for p in provinces]
    clusters: dict[int, list[int]] = defaultdict(list)
    for i, c in enumerate(cluster_of):
        if c >= 0:
            clusters[c].append(i)
    for i in range(n):
        if cluster_of[i] != -1:
            continue
        component, stack = [], [i]
        cluster_of[i] = i
        while stack:
            j = stack.pop()
            component.append(j)
            for k in neighbours[j]:
                if cluster_of[k] == -1:
                    cluster_of[k] = i
                    stack.append(k)
        root = min(component, key=lambda j: (-degree[j], j))
        clusters[root] = sorted(component)

    local: dict[int, tuple[dict[int, tuple[float, float]], float]] = {}
    for root, members in clusters.items():
        local[root] = _radial(root, set(members), neighbours)

    # Shelf packing, biggest clusters first.
    order = sorted(clusters, key=lambda r: (-len(clusters[r]), r))
    total = sum((2 * local[r][1]) ** 2 for r in order)
    shelf_width = max(math.sqrt(total) * 1.3, 1.0)
    positions: list[tuple[float, float]] = [(0.0, 0.0)] * n
    x = y = row_height = 0.0
    for root in order:
        offsets, radius = local[root]
        diameter = 2 * radius
        if x > 0 and x + diameter > shelf_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        cx, cy = x + radius, y + radius
        for node, (dx, dy) in offsets.items():
            positions[node] = (round(cx + dx - shelf_width / 2, 1), round(cy + dy, 1))
        x += diameter
        row_height = max(row_height, diameter)
    return positions


def _radial(
    root: int, members: set[int], neighbours: list[list[int]]
) -> tuple[dict[int, tuple[float, float]], float]:
    """A radial tree around ``root``: each subtree gets an arc as wide as its leaves."""
    ring_gap, spacing, margin = 160.0, 34.0, 120.0
    children: dict[int, list[int]] = defaultdict(list)
    depth = {root: 0}
    queue = [root]
    for node in queue:  # breadth first, neighbours in id order
        for k in neighbours[node]:
            if k in members and k not in depth:
                depth[k] = depth[node] + 1
                children[node].append(k)
                queue.append(k)
    # Members the tree cannot reach (linked through another cluster) hang off the root.
    for k in sorted(members - depth.keys()):
        depth[k] = 1
        children[root].append(k)
        queue.append(k)

    leaves: dict[int, int] = {}
    for node in reversed(queue):
        leaves[node] = sum(leaves[c] for c in children[node]) or 1

    per_depth: dict[int, int] = defaultdict(int)
    for d in depth.values():
        per_depth[d] += 1
    radius_at = {0: 0.0}
    for d in range(1, max(depth.values()) + 1):
        needed = per_depth[d] * spacing / (2 * math.pi)
        radius_at[d] = max(radius_at[d - 1] + ring_gap, needed)

    offsets: dict[int, tuple[float, float]] = {}
    arcs = {root: (0.0, 2 * math.pi)}
    for node in queue:
        start, end = arcs[node]
        r = radius_at[depth[node]]
        middle = (start + end) / 2
        offsets[node] = (r * math.cos(middle), r * math.sin(middle))
        at = start
        for child in children[node]:
            share = (end - start) * leaves[child] / leaves[node]
            arcs[child] = (at, at + share)
            at += share
    return offsets, max(radius_at.values()) + margin


# ---------------------------------------------------------------------------
# view → page


def vis_options(view: GraphView) -> dict[str, Any]:
    """vis-network options: physics tuned to settle in seconds, or off past the threshold."""
    large = not view.physics
    physics: dict[str, Any] = {"enabled": False}
    if view.physics:
        physics = {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -80,
                "centralGravity": 0.015,
                "springLength": 90,
                "springConstant": 0.06,
                "damping": 0.6,
                "avoidOverlap": 0.4,
            },
            "maxVelocity": 40,
            "minVelocity": 1.5,
            "timestep": 0.4,
            # ~250 iterations settle a few hundred nodes; fewer past that keep it to seconds.
            "stabilization": {
                "enabled": True,
                "iterations": max(60, min(250, 60000 // max(len(view.nodes), 1))),
                "updateInterval": 25,
                "fit": False,
            },
        }
    return {
        "autoResize": True,
        "layout": {"improvedLayout": False, "randomSeed": LAYOUT_SEED},
        "physics": physics,
        "interaction": {
            "hover": True,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
            "tooltipDelay": 120,
            "navigationButtons": False,
            "keyboard": {"enabled": True, "bindToWindow": False},
            "multiselect": False,
        },
        "nodes": {
            "borderWidth": 1,
            "font": {
                "face": FONT_FACE,
                "size": NODE_FONT,
                "color": "#222",
                "strokeWidth": 4,
                "strokeColor": "#ffffff",
            },
            "scaling": {"label": {"drawThreshold": 6}},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "smooth": False if large else {"type": "continuous", "roundness": 0.2},
            "width": 1.2,
            "selectionWidth": 2,
            "font": {
                "face": FONT_FACE,
                "size": 12,
                "color": "#666",
                "strokeWidth": 3,
                "strokeColor": "#ffffff",
                "align": "middle",
            },
        },
    }


def page_data(view: GraphView) -> dict[str, Any]:
    """Everything the page's script reads, as JSON-ready values."""
    counts: dict[str, int] = defaultdict(int)
    for node in view.nodes:
        counts[node.kind] += 1
    return {
        "physics": view.physics,
        "edgeLabels": view.physics,
        "provinceFont": PROVINCE_FONT,
        "kinds": [
            {
                "kind": k,
                "name": s.name,
                "color": s.color,
                "shape": s.shape,
                "symbol": s.symbol,
                "count": counts.get(k, 0),
            }
            for k, s in CLASS_STYLES.items()
        ],
        "relations": [
            {"relation": r, "name": s.name, "color": s.color} for r, s in RELATION_STYLES.items()
        ],
        "articles": [
            {"title": a.title, "source": a.source, "url": a.url, "date": a.date}
            for a in view.articles
        ],
        "nodes": [
            {
                "id": n.id,
                "iri": n.iri,
                "kind": n.kind,
                "name": n.name,
                "label": n.label,
                "color": n.color,
                "shape": n.shape,
                "size": n.size,
                "degree": n.degree,
                "provinces": list(n.provinces),
                "details": [list(d) for d in n.details],
                "mentions": list(n.mentions),
                "x": n.x,
                "y": n.y,
            }
            for n in view.nodes
        ],
        "edges": [
            {
                "id": e.id,
                "from": e.source,
                "to": e.target,
                "relation": e.relation,
                "evidence": [
                    {
                        "sentence": ev.sentence,
                        "article": ev.article,
                        "start": ev.start,
                        "end": ev.end,
                    }
                    for ev in e.evidence
                ],
            }
            for e in view.edges
        ],
        "options": vis_options(view),
    }


def script_json(value: Any) -> str:
    """JSON safe inside a <script> element: no character can close it or open a comment."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


@functools.cache
def _vis_assets() -> tuple[str, str]:
    """vis-network's script and stylesheet, as pyvis ships them."""
    from importlib.resources import files

    folder = files("pyvis") / "templates" / "lib" / f"vis-{VIS_VERSION}"
    js = (folder / "vis-network.min.js").read_text(encoding="utf-8")
    css = (folder / "vis-network.css").read_text(encoding="utf-8")
    if "</script" in js.lower() or "</style" in css.lower():  # cannot be inlined as it is
        raise RuntimeError("pyvis's vis-network assets cannot be inlined")
    return js, css


def page_html(view: GraphView, title: str = "policy-kg") -> str:
    """The whole page as one string: styles, vis-network, data and script inline."""
    vis_js, vis_css = _vis_assets()
    nodes, edges = len(view.nodes), len(view.edges)
    mode = "物理模拟布局" if view.physics else "预先计算的分簇布局（无物理模拟）"
    notice = view.notice
    return _PAGE.format(
        title=html.escape(title),
        vis_css=vis_css,
        css=_CSS,
        vis_js=vis_js,
        data=script_json(page_data(view)),
        script=_SCRIPT,
        summary=html.escape(f"{nodes} 个节点 · {edges} 条关系 · {mode}"),
        notice=html.escape(notice),
        notice_hidden="" if notice else " hidden",
    )


def render_html(
    graph: Graph, path: Path, *, title: str = "policy-kg", physics_threshold: int = 1000
) -> Path:
    """Write the interactive page of ``graph`` to ``path``, atomically; return ``path``."""
    from kg.export import write_atomic

    view = graph_view(graph, physics_threshold=physics_threshold)
    write_atomic(path, page_html(view, title).encode("utf-8"))
    return path


def render_file(
    source: Path, path: Path, *, title: str = "policy-kg", physics_threshold: int = 1000
) -> Path:
    """Read a graph file (Turtle, N-Triples, JSON-LD, TriG ...) and write its page to ``path``.

    The page is the same, byte for byte, as the kg.html that the build of that graph wrote.
    """
    from kg.validate import read_graph

    graph = read_graph(source)
    return render_html(graph, path, title=title, physics_threshold=physics_threshold)


# ---------------------------------------------------------------------------
# the page

_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{vis_css}</style>
<style>{css}</style>
<script>{vis_js}</script>
</head>
<body>
<aside id="kg-sidebar">
  <h1 id="kg-title">{title}</h1>
  <p id="kg-summary">{summary}</p>
  <p id="kg-notice" role="status"{notice_hidden}>{notice}</p>
  <form id="kg-search-form" role="search" autocomplete="off">
    <label for="kg-search">搜索名称</label>
    <div class="kg-row">
      <input id="kg-search" type="search" list="kg-names" placeholder="例如：重庆、科技型企业">
      <button id="kg-search-go" type="submit">查找</button>
    </div>
    <datalist id="kg-names"></datalist>
    <p id="kg-search-status" aria-live="polite"></p>
  </form>
  <section>
    <h2>类别（点选以筛选）</h2>
    <ul id="kg-legend"></ul>
  </section>
  <section>
    <h2><label for="kg-province">省份</label></h2>
    <select id="kg-province"><option value="">全部省份</option></select>
  </section>
  <section>
    <h2>关系</h2>
    <ul id="kg-relations"></ul>
  </section>
  <p id="kg-visible"></p>
  <button id="kg-reset" type="button">重置视图</button>
  <p class="kg-hint">悬停查看摘要，点击节点或连线查看事实、证据句和来源文章。</p>
</aside>
<main id="kg-main">
  <div id="kg-network"></div>
  <div id="kg-tip" hidden></div>
  <aside id="kg-details" hidden>
    <button id="kg-close" type="button" aria-label="关闭">×</button>
    <div id="kg-details-body"></div>
  </aside>
</main>
<script id="kg-data" type="application/json">{data}</script>
<script>{script}</script>
</body>
</html>
"""

_CSS = """
html, body { margin: 0; height: 100%; }
body { display: flex; font-family: 'Noto Sans CJK SC','Noto Sans SC','PingFang SC',
  'Microsoft YaHei',sans-serif; font-size: 14px; color: #222; background: #fafafa; }
#kg-sidebar { width: 270px; flex: none; overflow-y: auto; padding: 12px 14px;
  box-sizing: border-box; border-right: 1px solid #ddd; background: #fff; }
#kg-sidebar h1 { font-size: 18px; margin: 0 0 4px; word-break: break-all; }
#kg-sidebar h2 { font-size: 13px; margin: 14px 0 6px; color: #555; font-weight: 600; }
#kg-summary, #kg-visible, .kg-hint { color: #666; font-size: 12px; margin: 4px 0; }
#kg-notice { background: #fff4e0; border: 1px solid #e6a23c; border-radius: 4px;
  padding: 6px 8px; font-size: 12px; margin: 8px 0; }
#kg-search-form label { font-size: 13px; color: #555; font-weight: 600; }
.kg-row { display: flex; gap: 4px; margin-top: 4px; }
#kg-search { flex: 1; min-width: 0; padding: 4px 6px; font: inherit; }
button, select { font: inherit; }
#kg-search-status { font-size: 12px; color: #666; min-height: 1em; margin: 4px 0; }
#kg-legend, #kg-relations { list-style: none; margin: 0; padding: 0; }
#kg-legend li, #kg-relations li { margin: 3px 0; }
#kg-legend label { display: flex; align-items: center; gap: 6px; cursor: pointer; }
.kg-glyph { display: inline-block; width: 1.2em; text-align: center; font-size: 16px; }
.kg-count { color: #888; margin-left: auto; font-size: 12px; }
.kg-line { display: inline-block; width: 22px; height: 3px; vertical-align: middle;
  margin-right: 6px; }
#kg-province { width: 100%; }
#kg-reset { margin: 6px 0; }
#kg-main { flex: 1; position: relative; min-width: 0; }
#kg-network { position: absolute; inset: 0; }
#kg-tip { position: absolute; pointer-events: none; max-width: 340px; background: #fff;
  border: 1px solid #bbb; border-radius: 4px; padding: 6px 8px; font-size: 12px;
  box-shadow: 0 2px 6px rgba(0,0,0,.15); z-index: 5; white-space: pre-wrap; }
#kg-tip .kg-tip-kind { color: #666; }
#kg-details { position: absolute; top: 0; right: 0; bottom: 0; width: 380px;
  overflow-y: auto; background: #fff; border-left: 1px solid #ddd; padding: 12px 16px;
  box-sizing: border-box; box-shadow: -2px 0 8px rgba(0,0,0,.08); z-index: 6; }
#kg-close { position: absolute; top: 6px; right: 8px; border: none; background: none;
  font-size: 20px; cursor: pointer; }
#kg-details h2 { font-size: 17px; margin: 4px 24px 8px 0; word-break: break-all; }
#kg-details h3 { font-size: 14px; margin: 14px 0 6px; color: #444; }
#kg-details dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; margin: 0;
  font-size: 12px; }
#kg-details dt { color: #777; }
#kg-details dd { margin: 0; word-break: break-all; }
#kg-details ol, #kg-details ul { padding-left: 18px; margin: 0; }
#kg-details li { margin: 6px 0; }
.kg-fact { font-weight: 600; }
.kg-link { border: none; background: none; padding: 0; color: #0062a8; cursor: pointer;
  text-decoration: underline; font: inherit; }
blockquote { margin: 4px 0 2px; padding: 2px 8px; border-left: 3px solid #ccc;
  color: #333; font-size: 13px; }
cite { display: block; font-style: normal; color: #777; font-size: 12px; }
.kg-muted { color: #888; font-size: 12px; }
[hidden] { display: none !important; }
"""

_SCRIPT = r"""
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("kg-data").textContent);
  var KIND = {}, REL = {}, byId = {}, adj = {};
  DATA.kinds.forEach(function (k) { KIND[k.kind] = k; });
  DATA.relations.forEach(function (r) { REL[r.relation] = r; });
  DATA.nodes.forEach(function (n) { byId[n.id] = n; adj[n.id] = []; });
  DATA.edges.forEach(function (e) { adj[e.from].push(e); adj[e.to].push(e); });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function kindName(n) { return KIND[n.kind] ? KIND[n.kind].name : n.kind; }

  var nodes = new vis.DataSet(DATA.nodes.map(function (n) {
    var item = { id: n.id, label: n.label, shape: n.shape, color: n.color, size: n.size,
                 x: n.x, y: n.y, hidden: false };
    if (DATA.physics && !adj[n.id].length) { item.physics = false; }
    if (n.kind === "Province") { item.font = { size: DATA.provinceFont }; }
    return item;
  }));
  var edges = new vis.DataSet(DATA.edges.map(function (e) {
    var r = REL[e.relation];
    var item = { id: e.id, from: e.from, to: e.to,
                 color: { color: r.color, highlight: r.color, hover: r.color, opacity: 0.75 } };
    if (DATA.edgeLabels) { item.label = r.name; }
    if (DATA.physics) {  // longer springs round hubs leave room for their leaves' labels
      var hub = Math.max(byId[e.from].degree, byId[e.to].degree);
      item.length = 70 + 12 * Math.min(hub, 15);
    }
    return item;
  }));
  var container = document.getElementById("kg-network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, DATA.options);
  window.kg = { data: DATA, nodes: nodes, edges: edges, network: network };

  network.once("afterDrawing", function () {
    window.kgDrawMs = performance.now();
    document.body.setAttribute("data-drawn", "true");
  });
  var linked = DATA.nodes.filter(function (n) { return adj[n.id].length; })
    .map(function (n) { return n.id; });
  var isolated = DATA.nodes.filter(function (n) { return !adj[n.id].length; })
    .map(function (n) { return n.id; });
  // Province names stay legible (about 15 screen pixels) when the whole graph fits.
  var provinceIds = DATA.nodes.filter(function (n) { return n.kind === "Province"; })
    .map(function (n) { return n.id; });
  function fitStart() {
    network.fit({ nodes: linked.length ? linked : undefined, animation: false });
    var size = Math.max(DATA.provinceFont, Math.round(15 / network.getScale()));
    nodes.update(provinceIds.map(function (id) {
      return { id: id, font: { size: size, strokeWidth: Math.max(4, Math.round(size / 6)) } };
    }));
  }
  // Nodes without an edge stay out of the physics, on a grid below the settled graph.
  function placeIsolated() {
    if (!linked.length || !isolated.length) { return; }
    var pos = network.getPositions(linked), minX = Infinity, maxX = -Infinity, maxY = -Infinity;
    linked.forEach(function (id) {
      minX = Math.min(minX, pos[id].x); maxX = Math.max(maxX, pos[id].x);
      maxY = Math.max(maxY, pos[id].y);
    });
    var cellX = 190, cellY = 90;
    var columns = Math.max(4, Math.floor((maxX - minX) / cellX) + 1);
    isolated.forEach(function (id, k) {
      var x = minX + (k % columns) * cellX, y = maxY + 200 + Math.floor(k / columns) * cellY;
      network.moveNode(id, x, y);
    });
  }
  if (DATA.physics) {
    network.once("stabilizationIterationsDone", function () {
      window.kgStableMs = performance.now();
      placeIsolated();
      fitStart();
    });
  } else {
    fitStart();
  }

  // ----- tooltip: built from text nodes, never from HTML
  var tip = document.getElementById("kg-tip");
  function showTip(pointer, lines) {
    tip.textContent = "";
    lines.forEach(function (line, i) {
      var div = el("div", i === 0 ? "kg-tip-kind" : "", line);
      tip.appendChild(div);
    });
    tip.style.left = (pointer.x + 14) + "px";
    tip.style.top = (pointer.y + 14) + "px";
    tip.hidden = false;
  }
  function hideTip() { tip.hidden = true; }
  function edgeText(e) {
    return byId[e.from].name + " —" + REL[e.relation].name + "→ " + byId[e.to].name;
  }
  network.on("hoverNode", function (p) {
    var n = byId[p.node];
    showTip(p.pointer.DOM, [kindName(n), n.name,
      adj[n.id].length + " 条关系 · 点击查看证据"]);
  });
  network.on("hoverEdge", function (p) {
    var e = DATA.edges[p.edge];
    var lines = [REL[e.relation].name, edgeText(e)];
    if (e.evidence.length) { lines.push("“" + e.evidence[0].sentence.slice(0, 80) + "”"); }
    showTip(p.pointer.DOM, lines);
  });
  network.on("blurNode", hideTip);
  network.on("blurEdge", hideTip);
  network.on("dragStart", hideTip);
  network.on("zoom", hideTip);

  // ----- details panel
  var panel = document.getElementById("kg-details");
  var body = document.getElementById("kg-details-body");
  function closeDetails() { panel.hidden = true; body.textContent = ""; }
  document.getElementById("kg-close").addEventListener("click", function () {
    closeDetails();
    network.unselectAll();
  });
  function row(dl, term, value) {
    dl.appendChild(el("dt", "", term));
    var dd = el("dd", "", value);
    dl.appendChild(dd);
    return dd;
  }
  function nodeLink(id) {
    var b = el("button", "kg-link", byId[id].name);
    b.type = "button";
    b.addEventListener("click", function () { focusNode(id); });
    return b;
  }
  function articleCite(index) {
    var a = index === null || index === undefined ? null : DATA.articles[index];
    if (!a) { return el("cite", "", "来源文章未知"); }
    var text = "—— " + a.title + (a.source ? "（" + a.source + "）" : "");
    if (a.date) { text += " " + a.date; }
    return el("cite", "", text);
  }
  function evidenceList(e) {
    var box = el("div");
    if (!e.evidence.length) {
      box.appendChild(el("p", "kg-muted", e.relation === "partOf"
        ? "行政区划隶属关系（来自区划代码表，无证据句）" : "无证据句"));
      return box;
    }
    e.evidence.forEach(function (ev) {
      box.appendChild(el("blockquote", "", ev.sentence));
      var cite = articleCite(ev.article);
      if (ev.start !== null && ev.end !== null) {
        cite.textContent += " · 第 " + ev.start + "–" + ev.end + " 字";
      }
      box.appendChild(cite);
    });
    return box;
  }
  function factItem(e) {
    var li = el("li");
    var line = el("div", "kg-fact");
    line.appendChild(nodeLink(e.from));
    line.appendChild(document.createTextNode(" —" + REL[e.relation].name + "→ "));
    line.appendChild(nodeLink(e.to));
    li.appendChild(line);
    li.appendChild(evidenceList(e));
    return li;
  }
  var FACT_LIMIT = 200;
  function showNode(id) {
    var n = byId[id];
    body.textContent = "";
    var kind = el("div", "kg-muted");
    var glyph = el("span", "kg-glyph", KIND[n.kind].symbol);
    glyph.style.color = n.color;
    kind.appendChild(glyph);
    kind.appendChild(document.createTextNode(kindName(n) + "（" + n.kind + "）"));
    body.appendChild(kind);
    body.appendChild(el("h2", "", n.name));
    var dl = el("dl");
    row(dl, "类别", kindName(n));
    row(dl, "名称", n.name);
    row(dl, "IRI", n.iri);
    if (n.provinces.length) {
      row(dl, "省份", n.provinces.map(function (p) { return byId[p].name; }).join("、"));
    }
    n.details.forEach(function (d) { row(dl, d[0], d[1]); });
    row(dl, "关系数", adj[id].length);
    body.appendChild(dl);
    var facts = adj[id];
    body.appendChild(el("h3", "", "事实与证据（" + facts.length + "）"));
    var ol = el("ol");
    facts.slice(0, FACT_LIMIT).forEach(function (e) { ol.appendChild(factItem(e)); });
    body.appendChild(ol);
    if (facts.length > FACT_LIMIT) {
      body.appendChild(el("p", "kg-muted", "另有 " + (facts.length - FACT_LIMIT) + " 条未列出"));
    }
    if (n.mentions.length) {
      body.appendChild(el("h3", "", "提及该实体的文章（" + n.mentions.length + "）"));
      var ul = el("ul");
      n.mentions.slice(0, FACT_LIMIT).forEach(function (i) {
        var a = DATA.articles[i];
        ul.appendChild(el("li", "", a.title + (a.source ? "（" + a.source + "）" : "")));
      });
      body.appendChild(ul);
    }
    panel.hidden = false;
    panel.scrollTop = 0;
  }
  function showEdge(id) {
    var e = DATA.edges[id];
    body.textContent = "";
    body.appendChild(el("div", "kg-muted", "关系（" + e.relation + "）"));
    body.appendChild(el("h2", "", edgeText(e)));
    var ol = el("ol");
    ol.appendChild(factItem(e));
    body.appendChild(ol);
    panel.hidden = false;
    panel.scrollTop = 0;
  }
  network.on("click", function (p) {
    hideTip();
    if (p.nodes.length) { showNode(p.nodes[0]); }
    else if (p.edges.length) { showEdge(p.edges[0]); }
    else { closeDetails(); }
  });

  // ----- filters: class (legend) and province
  var kindOn = {};
  var legend = document.getElementById("kg-legend");
  DATA.kinds.forEach(function (k) {
    kindOn[k.kind] = true;
    if (!k.count) { return; }
    var li = el("li"), label = el("label"), box = el("input");
    box.type = "checkbox"; box.checked = true; box.value = k.kind;
    box.setAttribute("data-kind", k.kind);
    box.addEventListener("change", function () { kindOn[k.kind] = box.checked; applyFilters(); });
    var glyph = el("span", "kg-glyph", k.symbol);
    glyph.style.color = k.color;
    label.appendChild(box); label.appendChild(glyph);
    label.appendChild(el("span", "", k.name));
    label.appendChild(el("span", "kg-count", k.count));
    li.appendChild(label); legend.appendChild(li);
  });
  var relations = document.getElementById("kg-relations");
  DATA.relations.forEach(function (r) {
    var li = el("li"), line = el("span", "kg-line");
    line.style.background = r.color;
    li.appendChild(line);
    li.appendChild(document.createTextNode(r.name + "（" + r.relation + "）"));
    relations.appendChild(li);
  });
  var province = document.getElementById("kg-province");
  var perProvince = {}, orphans = 0;
  DATA.nodes.forEach(function (n) {
    if (!n.provinces.length) { orphans += 1; }
    n.provinces.forEach(function (p) { perProvince[p] = (perProvince[p] || 0) + 1; });
  });
  DATA.nodes.forEach(function (n) {
    if (n.kind !== "Province") { return; }
    var o = el("option", "", n.name + "（" + perProvince[n.id] + "）");
    o.value = String(n.id);
    province.appendChild(o);
  });
  if (orphans) {
    var none = el("option", "", "未关联省份（" + orphans + "）");
    none.value = "none";
    province.appendChild(none);
  }
  province.addEventListener("change", function () { applyFilters(true); });

  var visibleText = document.getElementById("kg-visible");
  function isVisible(n) {
    if (!kindOn[n.kind]) { return false; }
    var p = province.value;
    if (p === "") { return true; }
    if (p === "none") { return n.provinces.length === 0; }
    return n.provinces.indexOf(Number(p)) >= 0;
  }
  function applyFilters(fit) {
    var changes = [], shown = [];
    DATA.nodes.forEach(function (n) {
      var visible = isVisible(n);
      if (visible) { shown.push(n.id); }
      if (nodes.get(n.id).hidden === visible) { changes.push({ id: n.id, hidden: !visible }); }
    });
    if (changes.length) { nodes.update(changes); }
    visibleText.textContent = "显示 " + shown.length + " / " + DATA.nodes.length + " 个节点";
    var selected = network.getSelectedNodes();
    if (selected.length && !isVisible(byId[selected[0]])) { network.unselectAll(); closeDetails(); }
    if (fit && shown.length) { network.fit({ nodes: shown, animation: false }); }
  }
  document.getElementById("kg-reset").addEventListener("click", function () {
    Array.prototype.forEach.call(legend.querySelectorAll("input"), function (b) {
      b.checked = true; kindOn[b.value] = true;
    });
    province.value = "";
    applyFilters(false);
    network.unselectAll();
    closeDetails();
    network.fit({ animation: false });
  });

  // ----- search
  var names = document.getElementById("kg-names"), seen = {};
  DATA.nodes.forEach(function (n) {
    if (seen[n.name]) { return; }
    seen[n.name] = true;
    var o = document.createElement("option");
    o.value = n.name;
    names.appendChild(o);
  });
  var input = document.getElementById("kg-search");
  var status = document.getElementById("kg-search-status");
  var last = { query: null, matches: [], at: -1 };
  function matches(query) {
    var q = query.trim().toLowerCase(), exact = [], starts = [], within = [];
    if (!q) { return []; }
    DATA.nodes.forEach(function (n) {
      var name = n.name.toLowerCase();
      if (name === q) { exact.push(n.id); }
      else if (name.indexOf(q) === 0) { starts.push(n.id); }
      else if (name.indexOf(q) > 0 || n.iri.toLowerCase() === q) { within.push(n.id); }
    });
    return exact.concat(starts, within);
  }
  function focusNode(id) {
    network.selectNodes([id]);
    showNode(id);
    // Centre the node in the part of the canvas the details panel leaves free.
    network.focus(id, { scale: Math.max(network.getScale(), 1.1),
                        offset: { x: -panel.offsetWidth / 2, y: 0 },
                        animation: { duration: 400, easingFunction: "easeInOutQuad" } });
  }
  function search(query) {
    var q = query.trim();
    if (q !== last.query) {
      var all = matches(q);
      var visible = all.filter(function (id) { return !nodes.get(id).hidden; });
      last = { query: q, matches: visible, at: -1, hidden: all.length - visible.length };
    }
    if (!last.matches.length) {
      status.textContent = !q ? "" : last.hidden
        ? "有 " + last.hidden + " 个匹配项被筛选隐藏" : "没有找到“" + q + "”";
      return null;
    }
    last.at = (last.at + 1) % last.matches.length;
    var id = last.matches[last.at];
    focusNode(id);
    status.textContent = "第 " + (last.at + 1) + " / " + last.matches.length + " 个匹配：" +
      byId[id].name + (last.matches.length > 1 ? "（再按回车看下一个）" : "");
    return id;
  }
  document.getElementById("kg-search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    search(input.value);
  });
  window.kg.search = search;
  window.kg.focusNode = focusNode;
  window.kg.applyFilters = applyFilters;
  applyFilters(false);
})();
"""

__all__ = [
    "CLASS_STYLES",
    "RELATION_STYLES",
    "ArticleView",
    "EdgeView",
    "EvidenceView",
    "GraphView",
    "NodeView",
    "graph_view",
    "page_html",
    "render_file",
    "render_html",
]
