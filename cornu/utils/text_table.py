"""A boxed text table laid out the way `model.summary()` prints it in Keras 3.

Columns get fixed widths from `positions` (fractions of the line length); the table then
gives back the characters its borders and cell padding need, taking them from the columns in
turn; cell text wraps at spaces, a word too long for its column ends in "…", headers sit at
the bottom of their row and values at the top.
"""

import os
import re
import shutil
import sys

_WORDS = re.compile(r"\s*\S+\s*")


def console_width():
    """The width text is printed at: $COLUMNS, else the terminal's, else 80 (not a terminal)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if hasattr(sys.stdout, "isatty") and sys.stdout.isatty():
        return shutil.get_terminal_size((80, 24)).columns
    return 80


def column_widths(line_length, positions):
    """The width of each column, padding included, for a table `line_length` wide.

    Args:
        line_length: the table's total width, borders included.
        positions: where each column ends, as fractions of `line_length` (last one 1.0).

    Returns:
        A list of ints.
    """
    widths, current = [], 0
    for position in positions:
        width = int(position * line_length) - current
        widths.append(width + 2)  # one space of padding on each side
        current += width
    excess = sum(widths) - (line_length - len(widths) - 1)  # the borders take n + 1
    shrunk, left = [], len(widths)
    for width in widths:
        cut = min(width, round(excess / left)) if excess > 0 else 0
        shrunk.append(width - cut)
        excess -= cut
        left -= 1
    return shrunk


def wrap(text, width, justify="left"):
    """`text` broken at spaces into lines of exactly `width` characters.

    A word longer than `width` gets a line of its own, cut to `width - 1` characters and "…".
    """
    lines = []
    for paragraph in str(text).split("\n"):
        lines.extend(_justify(line, width, justify) for line in _break(paragraph, width))
    return lines


def _break(text, width):
    starts, offset = [0], 0
    for match in _WORDS.finditer(text):
        word = match.group()
        length = len(word.rstrip())
        if width - offset >= length:
            offset += len(word)
            continue
        if match.start():
            starts.append(match.start())
        offset = len(word)
    ends = starts[1:] + [len(text)]
    return [text[a:b] for a, b in zip(starts, ends)] or [""]


def _justify(line, width, justify):
    line = line.rstrip()
    if len(line) > width:
        line = line[: max(width - 1, 0)] + "…"
    room = width - len(line)
    if justify == "right":
        return " " * room + line
    if justify == "center":
        return " " * (room // 2) + line + " " * (room - room // 2)
    return line + " " * room


def render(headers, rows, widths, justify):
    """The table's lines: a heavy header box, then each row, separated by thin rules.

    Args:
        headers: one header text per column.
        rows: lists of cell texts.
        widths: column widths, padding included (see `column_widths`).
        justify: "left", "right" or "center" per column.
    """
    inner = [w - 2 for w in widths]

    def rule(left, mid, right, fill):
        return left + mid.join(fill * w for w in widths) + right

    def cells(texts, bar, bottom):
        wrapped = [wrap(t, w, j) for t, w, j in zip(texts, inner, justify)]
        height = max(len(c) for c in wrapped)
        wrapped = [
            ([" " * w] * (height - len(c)) + c) if bottom else (c + [" " * w] * (height - len(c)))
            for c, w in zip(wrapped, inner)
        ]
        return [bar + bar.join(f" {c[i]} " for c in wrapped) + bar for i in range(height)]

    lines = [rule("┏", "┳", "┓", "━"), *cells(headers, "┃", True), rule("┡", "╇", "┩", "━")]
    for i, row in enumerate(rows):
        if i:
            lines.append(rule("├", "┼", "┤", "─"))
        lines.extend(cells(row, "│", False))
    lines.append(rule("└", "┴", "┘", "─"))
    return lines
