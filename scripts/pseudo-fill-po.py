#!/usr/bin/env python3
"""Fills every msgstr of a PO or POT file with a visible pseudo-translation.

Used to check that a book keeps all of a translator's work when it moves from
mdbook-i18n-helpers: run mdbook-xgettext on the book, fill the template with
this script, import it with `mdbook-translate po import`, and build.

The pseudo-translation accents the vowels of the text and keeps markdown
syntax, code spans, link targets, HTML, directives and math as they are. With
`--merge-every N`, every N-th message of several sentences has its first two
sentences joined, as a translator joining sentences would, so the block has
fewer sentences than its source.

    scripts/pseudo-fill-po.py messages.pot po/de.po --language de --merge-every 3
"""

import argparse
import re
import sys

import polib

PROTECTED = re.compile(
    r"(?m)"
    r"(`+)(?:.|\n)*?\1"          # code spans
    r"|\]\([^)]*\)"              # link destinations
    r"|\]\[[^\]]*\]"             # reference labels
    r"|\[\^[^\]]*\]"             # footnote references
    r"|^\\?\[![A-Z]+\\?\]"        # alert markers
    r"|<(code|kbd|samp|var|tt)\b[^>]*>(?:.|\n)*?</\2\s*>"  # code-like elements
    r"|<[^>]*>"                   # HTML and autolinks
    r"|\{\{.*?\}\}"              # mdBook directives
    r"|\\\\\(.*?\\\\\)|\\\\\[.*?\\\\\]"  # MathJax
    r"|https?://\S+"             # bare URLs
    r"|\\."                      # escapes
)
ACCENTS = str.maketrans("aeiouAEIOU", "àéîöüÀÉÎÖÜ")


def pseudo(text: str) -> str:
    out, last = [], 0
    for match in PROTECTED.finditer(text):
        out.append(text[last:match.start()].translate(ACCENTS))
        out.append(match.group(0))
        last = match.end()
    out.append(text[last:].translate(ACCENTS))
    return "".join(out)


def join_first_sentences(text: str) -> str:
    return re.sub(r"([a-z])\. ([A-Z])", lambda m: f"{m.group(1)}, {m.group(2).lower()}", text, count=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("template")
    parser.add_argument("output")
    parser.add_argument("--language", required=True)
    parser.add_argument("--merge-every", type=int, default=0)
    args = parser.parse_args()
    catalog = polib.pofile(args.template)
    catalog.metadata["Language"] = args.language
    n_merged = 0
    for index, entry in enumerate(catalog):
        text = entry.msgid
        if args.merge_every and index % args.merge_every == 0:
            joined = join_first_sentences(text)
            n_merged += joined != text
            text = joined
        entry.msgstr = pseudo(text)
    catalog.save(args.output)
    print(f"{len(catalog)} messages filled, {n_merged} with two sentences joined", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
