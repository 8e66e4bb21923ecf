"""A flame graph (SVG) of the threads that serve requests, from py-spy's raw stacks.

py-spy's own SVG shows every thread of the process, most of them idle (the thread pool, the
connection pools, the follower); with ``--idle`` the request work is a sliver of it. This keeps
only the stacks that pass through one of the ``--keep`` frames (by default: the endpoint
functions and the token's dependency, run in the thread pool, and the committers' transactions),
cut at the first of them, so that each bar is wall time — waiting on the database included — of
the work that answers requests.

    py-spy record --idle --format raw -r 400 -o stacks.txt -- .venv/bin/memberflow serve
    (drive it, stop it with Ctrl-C)
    .venv/bin/python -m benchmarks.flame stacks.txt flame.svg --title "a step, 1 client"
"""

from __future__ import annotations

import argparse
import html
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

KEEP = ("_run_sync_endpoint", "current_actor", "Committer._commit")
WIDTH, ROW = 1200.0, 16


@dataclass
class Node:
    name: str
    samples: int = 0
    children: dict[str, Node] = field(default_factory=dict)

    def add(self, frames: list[str], samples: int) -> None:
        self.samples += samples
        if frames:
            child = self.children.setdefault(frames[0], Node(frames[0]))
            child.add(frames[1:], samples)

    def depth(self) -> int:
        return 1 + max((c.depth() for c in self.children.values()), default=0)


def tree(lines: Iterable[str], keep: tuple[str, ...]) -> Node:
    """py-spy's raw lines (``frame;frame;… count``), cut at the first kept frame."""
    root = Node("all")
    for line in lines:
        stack, _, count = line.rstrip().rpartition(" ")
        frames = stack.split(";")
        start = next((i for i, f in enumerate(frames) if f.startswith(keep)), None)
        if start is not None and count.isdigit():
            root.add([re.sub(r":\d+\)$", ")", f) for f in frames[start:]], int(count))
    return root


def svg(root: Node, title: str) -> str:
    height = (root.depth() + 2) * ROW
    scale = WIDTH / max(root.samples, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH:.0f}" height="{height}" '
        'font-family="monospace" font-size="11">',
        f'<text x="4" y="12">{html.escape(title)} — {root.samples} samples</text>',
    ]

    def draw(node: Node, x: float, level: int) -> None:
        width = node.samples * scale
        y = height - (level + 1) * ROW
        share = 100 * node.samples / max(root.samples, 1)
        hue = 20 + zlib.crc32(node.name.encode()) % 40
        label = html.escape(node.name)
        parts.append(
            f"<g><title>{label} ({node.samples} samples, {share:.1f}%)</title>"
            f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{ROW - 1}" '
            f'fill="hsl({hue},80%,60%)"/>'
        )
        if width > 40:
            text = html.escape(node.name[: int(width / 6.6)])
            parts.append(f'<text x="{x + 2:.1f}" y="{y + ROW - 4}">{text}</text>')
        parts.append("</g>")
        for child in sorted(node.children.values(), key=lambda c: c.name):
            draw(child, x, level + 1)
            x += child.samples * scale

    draw(root, 0.0, 0)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("stacks", type=Path, help="py-spy record --format raw output")
    parser.add_argument("out", type=Path, help="the SVG to write")
    parser.add_argument("--title", default="memberflow")
    parser.add_argument("--keep", action="append", help=f"frame to keep from (default {KEEP})")
    args = parser.parse_args()
    root = tree(args.stacks.read_text().splitlines(), tuple(args.keep or KEEP))
    args.out.write_text(svg(root, args.title))


if __name__ == "__main__":
    main()
