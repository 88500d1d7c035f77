"""Markdown tables and medians shared by the benchmark sections."""

import statistics


def markdown_table(headers, rows):
    """A GitHub Markdown table of `rows` (lists of cells) under `headers`."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def median_of(runs, key):
    """The median of `run[key]` over the runs that have it, or None."""
    values = [run[key] for run in runs or () if run.get(key) is not None]
    return statistics.median(values) if values else None


def cell(value, fmt="{:.3f}"):
    return "-" if value is None else fmt.format(value)


def ratio(a, b):
    return "-" if a is None or b is None else f"{a / b:.2f}"
