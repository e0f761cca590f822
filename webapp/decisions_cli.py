"""`flask decisions anonymise IN_DIR OUT_DIR`: anonymise court decisions in bulk, without a database.

For every NAME.txt in IN_DIR (UTF-8) it writes OUT_DIR/NAME.txt (the anonymised text) and
OUT_DIR/NAME.json (the proposals, code-point offsets into the original). The originals are never
written to: OUT_DIR must differ from IN_DIR, and each output file is written whole or not at all.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import click
from flask.cli import AppGroup

from webapp.cli import fail

decisions_cli = AppGroup("decisions", help="Court decisions: anonymisation for publication.")


def _read_all(sources: list[Path]) -> dict[Path, str]:
    texts = {}
    for path in sources:
        try:
            texts[path] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as err:
            fail(f"{path} is not UTF-8 text (byte {err.start}): save it as UTF-8 and run again; nothing was written")
        except OSError as err:
            fail(f"{path} cannot be read ({err.strerror}); nothing was written")
    return texts


def _write_atomically(path: Path, content: str) -> None:
    # A crash halfway must not leave a half-written file that looks like a finished one.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _explain(name: str, text: str, proposals, officials) -> None:
    click.echo(f"{name}: {len(proposals)} proposals")
    for p in proposals:
        original = text[p.start : p.end].replace("\n", " ")
        click.echo(f"  {p.start:>6}-{p.end:<6} {p.kind:<13} {original!r} → {p.replacement!r}  "
                   f"[{p.recogniser}, {p.score:.2f}] {p.reason}")
    for official in officials:
        click.echo(f"  kept: {text[official.start : official.end]!r} — an official in office (after «{official.role}»)")


@decisions_cli.command("anonymise")
@click.argument("in_dir", type=click.Path(path_type=Path))
@click.argument("out_dir", type=click.Path(path_type=Path))
@click.option("--explain", "explain", type=click.Path(path_type=Path), default=None,
              help="Also print the proposals for this file (a NAME.txt of IN_DIR) with their reasons.")
def anonymise(in_dir: Path, out_dir: Path, explain: Path | None) -> None:
    """Anonymise every NAME.txt of IN_DIR into OUT_DIR (NAME.txt and NAME.json)."""
    if not in_dir.exists():
        fail(f"the input folder {in_dir} does not exist")
    if not in_dir.is_dir():
        fail(f"{in_dir} is a file, not a folder of NAME.txt decisions")
    if out_dir.exists() and not out_dir.is_dir():
        fail(f"the output folder {out_dir} is a file")
    if out_dir.resolve() == in_dir.resolve():
        fail("the output folder must differ from the input folder: the originals would be overwritten")
    sources = sorted(p for p in in_dir.glob("*.txt") if p.is_file())
    if not sources:
        fail(f"{in_dir} holds no .txt files to anonymise")
    explain_path = None
    if explain is not None:
        candidates = [p for p in sources if p.name == explain.name or p.resolve() == explain.resolve()]
        if not candidates:
            fail(f"--explain {explain}: no such .txt file in {in_dir}")
        explain_path = candidates[0]
    texts = _read_all(sources)

    from anonymiser.engine import Anonymiser  # loads spaCy: only when there is work to do

    anonymiser = Anonymiser()
    out_dir.mkdir(parents=True, exist_ok=True)
    for path, text in texts.items():
        proposals = anonymiser.propose(text)
        _write_atomically(out_dir / path.name, anonymiser.apply(text, proposals))
        records = [p.as_json() for p in proposals]
        _write_atomically(out_dir / f"{path.stem}.json", json.dumps(records, ensure_ascii=False, indent=1) + "\n")
        if path == explain_path:
            _explain(path.name, text, proposals, anonymiser.officials(text))
    click.echo(f"{len(texts)} decisions anonymised into {out_dir}", err=explain_path is not None)
