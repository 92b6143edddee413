#!/usr/bin/env python3
"""Regenerate the fixtures that pin `mdbook-translate eval` to sacreBLEU.

The fixture lives in tests/fixtures/eval/:

  <set>/ref.txt, <set>/hyp.txt   one segment per line, written by this script
  expected.json                  sacreBLEU's scores for every set, metric and tokenizer
  tokenize.json                  sacreBLEU's tokenization of tricky lines, and the code
                                 points its `zh` tokenizer treats as Chinese

and src/eval/unicode_tables.rs holds the Unicode classes (P, S, N) that sacreBLEU's
`intl` tokenizer uses, taken from the `regex` module sacreBLEU runs with.

The texts are generated for the project from templates with a fixed seed: a reference
sentence about building and translating a book, and a hypothesis made from it by
controlled perturbations (synonyms, dropped, swapped or inserted words, changed
punctuation, truncation, extension, empty lines).

Usage:
  pip install sacrebleu            # the version used is recorded in expected.json
  python3 scripts/eval-fixtures.py             # re-score the committed texts (and tokenize.json)
  python3 scripts/eval-fixtures.py --generate  # rewrite the texts, then score them
  python3 scripts/eval-fixtures.py --tables    # also rewrite src/eval/unicode_tables.rs

Scores are produced by running the sacreBLEU command line exactly as a user would:
  sacrebleu REF -i HYP -m bleu -tok TOK -w 10 -f json
  sacrebleu REF -i HYP -m chrf [--chrf-word-order 2] -w 10 -f json
"""

import argparse
import json
import pathlib
import platform
import random
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "eval"
TABLES = ROOT / "src" / "eval" / "unicode_tables.rs"
TOKENIZERS = ["13a", "zh", "intl", "char"]
SEED = 20240604

# ---------------------------------------------------------------------------
# Text generation
# ---------------------------------------------------------------------------

EN = {
    "subjects": [
        "The preprocessor", "This chapter", "The `cargo build` command", "Each segment",
        "The store", "A translator", "The cache (sled)", "Amazon Translate",
        "The parser's output", "Our glossary", "The renderer", "Every paragraph",
        "The release engineer", "A one-sentence edit", "The CLI", "The ACT job",
    ],
    "verbs": [
        "reads", "writes", "translates", "keeps", "skips", "splits", "stores",
        "hashes", "checks", "rebuilds", "sends", "ignores", "exports", "counts",
    ],
    "objects": [
        "every paragraph", "the book.toml file", "3.5 million sentences",
        "1,000 segments", "the HTML tags", "code blocks", "a 64-bit hash",
        "the user's glossary", "URLs like https://example.com/book?id=7&lang=en",
        "the [preprocessor.translate] table", "22 chapters", "all the math ($x^2$)",
        "the SUMMARY.md entries", "the parallel data", "well-known terms",
        "the 2nd-level headings", "\"quoted\" titles", "&quot;escaped&quot; text",
    ],
    "tails": [
        "before the build starts.", "in under 2.5 seconds!", "— unless the chapter changed.",
        "(see Chapter 4).", "; otherwise it fails.", ", e.g. when the cache is cold.",
        "at 10:30 a.m.", "for 25% of the pages?", "with “smart quotes” and ‘apostrophes’.",
        "&amp; more.", "since 2019.", "... and then stops.", "on 2024-06-04.",
        "without network access.", "for $0.02 per page.", "in about 1-2 minutes.",
        "as shown below:", "right away…", "#1 of 3.", "@ 100 ms/page.",
    ],
    "synonyms": {
        "reads": "loads", "writes": "saves", "keeps": "retains", "skips": "omits",
        "every": "each", "Each": "Every", "checks": "verifies", "sends": "submits",
        "before": "prior to", "chapter": "section", "fails": "breaks", "cold": "empty",
        "stops": "halts", "pages": "chapters", "terms": "words", "all": "every one of",
        "rebuilds": "regenerates", "counts": "tallies", "store": "database",
    },
    "fillers": ["also", "then", "really", "usually", "quickly", "the", "of"],
    "unrelated": [
        "Nothing in this line matches the reference at all.",
        "Lorem ipsum is not a translation.",
        "Please try again later.",
    ],
}

ES = {
    "subjects": [
        "El preprocesador", "Este capítulo", "El comando `cargo build`", "Cada segmento",
        "El almacén", "Un traductor", "La caché (sled)", "Amazon Translate",
        "La salida del analizador", "Nuestro glosario", "El ingeniero de versiones",
        "Cada párrafo", "La interfaz de línea de órdenes", "El trabajo de ACT",
    ],
    "verbs": [
        "lee", "escribe", "traduce", "guarda", "omite", "divide", "almacena",
        "comprueba", "reconstruye", "envía", "ignora", "exporta", "cuenta",
    ],
    "objects": [
        "cada párrafo", "el archivo book.toml", "3,5 millones de oraciones",
        "1.000 segmentos", "las etiquetas HTML", "los bloques de código",
        "un hash de 64 bits", "el glosario del usuario", "la tabla [preprocessor.translate]",
        "22 capítulos", "los títulos de 2.º nivel", "los datos paralelos",
        "términos muy conocidos", "las entradas de SUMMARY.md", "la señal «ñandú»",
    ],
    "tails": [
        "antes de compilar.", "en menos de 2,5 segundos.", "— salvo que cambie el capítulo.",
        "(véase el capítulo 4).", "; si no, falla.", ", p. ej. con la caché vacía.",
        "a las 10:30 h.", "para el 25 % de las páginas.", "«sin excepción».",
        "desde 2019.", "y luego se detiene…", "el 04/06/2024.", "sin acceso a la red.",
        "por 0,02 € por página.", "en 1-2 minutos.", "como se muestra abajo:",
    ],
    "synonyms": {
        "lee": "carga", "escribe": "graba", "guarda": "conserva", "omite": "salta",
        "cada": "todo", "Cada": "Todo", "comprueba": "verifica", "envía": "manda",
        "antes": "previo", "capítulo": "apartado", "falla": "rompe", "vacía": "fría",
        "páginas": "hojas", "términos": "palabras", "divide": "separa",
    },
    "fillers": ["también", "luego", "muy", "siempre", "de", "la", "que"],
    "unrelated": [
        "Nada en esta línea coincide con la referencia.",
        "Esto no es una traducción.",
        "Inténtelo de nuevo más tarde.",
    ],
}

ZH = {
    "subjects": [
        ["预处理器"], ["本", "章"], ["`cargo build`", " ", "命令"], ["每个", "段落"],
        ["存储"], ["译者"], ["缓存", "（", "sled", "）"], ["Amazon", " ", "Translate"],
        ["解析器", "的", "输出"], ["我们", "的", "术语表"], ["发布", "工程师"],
        ["渲染器"], ["ACT", " ", "任务"],
    ],
    "verbs": [
        ["读取"], ["写入"], ["翻译"], ["保存"], ["跳过"], ["拆分"], ["存储"],
        ["检查"], ["重建"], ["发送"], ["忽略"], ["导出"], ["统计"],
    ],
    "objects": [
        ["所有", "代码块"], ["书", "中", "的", "每", "一", "段"], ["3.5", " ", "万", "个", "句子"],
        ["1,000", " ", "个", "片段"], ["64", " ", "位", "哈希值"], ["HTML", " ", "标签"],
        ["book.toml", " ", "文件"], ["22", " ", "个", "章节"], ["并行", "数据"],
        ["用户", "的", "术语表"], ["二级", "标题"], ["“", "带", "引号", "的", "标题", "”"],
    ],
    "tails": [
        ["。"], ["！"], ["？"], ["，", "然后", "继续", "构建", "。"], ["（", "见", "第", "4", "章", "）", "。"],
        ["——", "除非", "章节", "已", "更改", "。"], ["：", "「", "智能", "引号", "」", "。"],
        ["……"], ["，", "共计", " ", "25%", " ", "的", "页面", "。"], ["，", "耗时", " ", "2.5", " ", "秒", "。"],
        ["、", "表格", "和", "列表", "。"], ["（", "2024", "年", "6", "月", "）", "。"],
    ],
    "synonyms": {
        "读取": "载入", "写入": "保存", "保存": "保留", "跳过": "略过", "检查": "核对",
        "发送": "提交", "所有": "全部", "每个": "各个", "章节": "部分", "统计": "计算",
        "代码块": "代码", "页面": "网页", "然后": "接着", "标题": "题目",
    },
    "fillers": ["也", "就", "都", "然后", "的", "了"],
    "unrelated": [
        ["这", "一", "行", "与", "参考", "译文", "毫无", "关系", "。"],
        ["请", "稍后", "再试", "。"],
    ],
}


def make_sentence(rng, lang):
    """Returns a reference sentence as a list of tokens (joined without separator for zh)."""
    if lang == "zh":
        words = (
            list(rng.choice(ZH["subjects"])) + list(rng.choice(ZH["verbs"]))
            + list(rng.choice(ZH["objects"])) + list(rng.choice(ZH["tails"]))
        )
        if rng.random() < 0.25:
            words = list(rng.choice(ZH["subjects"])) + ["和"] + words
        return words
    table = EN if lang == "en" else ES
    subject = rng.choice(table["subjects"])
    words = subject.split(" ") + [rng.choice(table["verbs"])] + rng.choice(table["objects"]).split(" ")
    tail = rng.choice(table["tails"])
    if tail[0] in ",;":
        words[-1] += tail[0]
        words += tail[1:].split()
    else:
        words += tail.split(" ")
    if lang == "es" and rng.random() < 0.15:
        words[0] = "¿" + words[0]
        words[-1] = words[-1].rstrip(".:…") + "?"
    if lang == "es" and rng.random() < 0.1:
        words[0] = "¡" + words[0]
        words[-1] = words[-1].rstrip(".:…") + "!"
    return words


def join(lang, words):
    return "".join(words) if lang == "zh" else " ".join(w for w in words if w)


def perturb(rng, lang, words):
    """Returns a hypothesis derived from the reference words."""
    table = {"en": EN, "es": ES, "zh": ZH}[lang]
    roll = rng.random()
    if roll < 0.15:
        return list(words)
    if roll < 0.17:
        return []
    if roll < 0.19:
        unrelated = rng.choice(table["unrelated"])
        return list(unrelated) if lang == "zh" else unrelated.split(" ")
    out = list(words)
    for _ in range(rng.randint(1, 3)):
        if not out:
            break
        kind = rng.choice(["synonym", "synonym", "drop", "swap", "insert", "punct",
                           "case", "truncate", "extend", "space"])
        i = rng.randrange(len(out))
        if kind == "synonym":
            candidates = [j for j, w in enumerate(out) if w.strip(".,;:!?¿¡") in table["synonyms"]]
            if candidates:
                j = rng.choice(candidates)
                core = out[j].strip(".,;:!?¿¡")
                out[j] = out[j].replace(core, table["synonyms"][core])
        elif kind == "drop" and len(out) > 1:
            del out[i]
        elif kind == "swap" and len(out) > 1:
            j = min(i + 1, len(out) - 1)
            out[i], out[j] = out[j], out[i]
        elif kind == "insert":
            out.insert(i, rng.choice(table["fillers"]))
        elif kind == "punct":
            last = out[-1]
            if lang == "zh":
                out[-1] = {"。": "！", "！": "。", "？": "。"}.get(last, last + "。")
            elif last.endswith("."):
                out[-1] = last[:-1] + rng.choice(["", "!", " .", ";"])
            else:
                out[-1] = last + "."
        elif kind == "case" and lang != "zh":
            out[i] = out[i].lower() if out[i][:1].isupper() else out[i].capitalize()
        elif kind == "truncate" and len(out) > 3:
            out = out[: max(1, len(out) // 2)]
        elif kind == "extend":
            extra = make_sentence(rng, lang)
            out = out + extra[len(extra) // 2:]
        elif kind == "space" and lang == "zh":
            out.insert(i, " ")
    return out


def generate_set(lang, n_sentences, rng):
    refs, hyps = [], []
    for _ in range(n_sentences):
        words = make_sentence(rng, lang)
        refs.append(join(lang, words))
        hyps.append(join(lang, perturb(rng, lang, words)))
    return refs, hyps


def write_lines(path, lines):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def generate():
    rng = random.Random(SEED)
    sets = {}
    for lang, n in [("en", 300), ("zh", 300), ("es", 300)]:
        sets[lang] = generate_set(lang, n, rng)

    en_refs = sets["en"][0]
    # Edge cases, also scored by sacreBLEU.
    sets["empty-hyp"] = (en_refs[:40], [""] * 40)
    sets["longer-hyp"] = (en_refs[40:80], [r + " " + e for r, e in zip(en_refs[40:80], en_refs[80:120])])
    zh_refs, zh_hyps = sets["zh"]
    sets["mixed-zh-en"] = (
        [z + " " + e for z, e in zip(zh_refs[:50], en_refs[:50])],
        [z + e for z, e in zip(zh_hyps[:50], sets["en"][1][:50])],
    )
    # Only every third word matches: no bigram does, so BLEU's `exp`
    # smoothing decides the score.
    sparse_refs = [" ".join(w for w in r.split(" ") if w.isalpha()) for r in en_refs[120:160]]
    sparse_hyps = [" ".join(w if i % 3 == 0 else w.upper() + "Q" for i, w in enumerate(r.split(" ")))
                   for r in sparse_refs]
    sets["sparse-matches"] = (sparse_refs, sparse_hyps)
    for name, (refs, hyps) in sets.items():
        write_lines(FIXTURE / name / "ref.txt", refs)
        write_lines(FIXTURE / name / "hyp.txt", hyps)


# ---------------------------------------------------------------------------
# Scoring with sacreBLEU
# ---------------------------------------------------------------------------


def run_sacrebleu(ref, hyp, *args):
    command = [sys.executable, "-m", "sacrebleu", str(ref), "-i", str(hyp), *args, "-w", "10", "-f", "json"]
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    data = json.loads(result.stdout)
    return {"score": data["score"], "signature": data["signature"]}


def score():
    import sacrebleu

    sets = sorted(p.name for p in FIXTURE.iterdir() if (p / "ref.txt").exists())
    expected = {
        "sacrebleu_version": sacrebleu.__version__,
        "python_version": platform.python_version(),
        "command": "sacrebleu REF -i HYP -m bleu -tok TOK | -m chrf [--chrf-word-order 2], -w 10 -f json",
        "sets": {},
    }
    for name in sets:
        ref, hyp = FIXTURE / name / "ref.txt", FIXTURE / name / "hyp.txt"
        # Lines end at "\n" only, as sacreBLEU reads them (not at str.splitlines' other breaks).
        n_lines = ref.read_text(encoding="utf-8").count("\n")
        entry = {"n_segments": n_lines, "bleu": {}}
        for tok in TOKENIZERS:
            entry["bleu"][tok] = run_sacrebleu(ref, hyp, "-m", "bleu", "-tok", tok)
        entry["chrf"] = run_sacrebleu(ref, hyp, "-m", "chrf")
        entry["chrf++"] = run_sacrebleu(ref, hyp, "-m", "chrf", "--chrf-word-order", "2")
        expected["sets"][name] = entry
        print(f"{name}: " + ", ".join(f"bleu/{t} {v['score']:.2f}" for t, v in entry["bleu"].items())
              + f", chrf {entry['chrf']['score']:.2f}, chrf++ {entry['chrf++']['score']:.2f}")
    (FIXTURE / "expected.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n",
                                           encoding="utf-8")


TRICKY_LINES = [
    "Hello, world! It's 3.14 and 1,000 items.",
    "He said \"hi\" &quot;quoted&quot; &amp; &amp;lt; &lt;tag&gt; <skipped> done",
    "2019. A-1 well-known 5-10 x.y a..b ,start end.",
    "URLs: https://example.com/a?b=c&d=e#f and ~/path/to/file.md",
    "“Smart quotes” ‘single’ — em dash … ellipsis",
    "你好，世界！Rust 1.5 版本（2024年）发布了。",
    "¿Qué tal? ¡Muy bien! «comillas» 3,5 € 100 °C",
    "tab\tseparated  double  spaces\u00a0nbsp\u3000ideographic\u2009thin",
    "sep\x1c\x1dcontrol\x1e\x1funit",
    "emoji 🎉 and symbols ©®™ ± × ÷ √ ∞ ≤ ≥",
    "  leading and trailing spaces  ",
    "",
    "a-\nb line\nbreak",
    "Ⅻ ½ ² ٣ numbers 1.5, 2,5.",
    "日本語のテキスト、カタカナ、ｈａｌｆ　ｗｉｄｔｈ ｶﾀｶﾅ",
    "Mixed: x_y snake_case, CamelCase, $HOME, 50%, #tag, @user, a|b, {json: [1, 2]}",
    "Ends with digit dot 42.",
    "Ends with comma,",
    "Apostrophes: don't, it's, rock'n'roll",
    "Deutsch: Straße, Ärger — «Zitat» „Anführung“",
    "Tokenized already .",
    "𠀀 Extension B 𠀁 and 丽 compatibility supplement",
    "Ⓐ circled ㈠ ㍿ enclosed ⚡ ✓ ❤",
    "Numbers-with-dash 3-4 x-5 -6 7- 8.-9",
    "...leading dots, trailing dots...",
    ".,.,.,",
    "1.2.3,4,5",
    "Über-naïve café’s coöperation",
    "한국어 문장입니다.",
    "Math: a+b=c, a<b>c, 2^10, x*y/z",
    "Saudi riyal \u20c1 new sign, Garay \U00010ed0",
]


def tokenize_fixture():
    import sacrebleu
    from sacrebleu.metrics.bleu import _get_tokenizer
    from sacrebleu.tokenizers.tokenizer_zh import TokenizerZh

    out = {"sacrebleu_version": sacrebleu.__version__, "lines": TRICKY_LINES, "tokenized": {}}
    for tok in TOKENIZERS + ["none"]:
        tokenizer = _get_tokenizer(tok)()
        # As sacreBLEU's BLEU does: strip trailing white space, then tokenize.
        out["tokenized"][tok] = [tokenizer(line.rstrip()) for line in TRICKY_LINES]
    out["zh_chinese_ranges"] = code_point_ranges(TokenizerZh._is_chinese_char)
    (FIXTURE / "tokenize.json").write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n",
                                           encoding="utf-8")


def code_point_ranges(predicate):
    ranges, start, prev = [], None, None
    for c in range(0x110000):
        if 0xD800 <= c <= 0xDFFF or not predicate(chr(c)):
            continue
        if start is not None and c == prev + 1:
            prev = c
            continue
        if start is not None:
            ranges.append([start, prev])
        start = prev = c
    if start is not None:
        ranges.append([start, prev])
    return ranges


def write_tables():
    import regex
    import sacrebleu

    lines = [
        "//! Unicode classes for the `intl` tokenizer, as sacreBLEU sees them.",
        "//!",
        f"//! Generated by `scripts/eval-fixtures.py --tables` from the Python `regex` module {regex.__version__}",
        f"//! (sacreBLEU {sacrebleu.__version__}). Do not edit by hand.",
        "",
    ]
    for name, pattern, doc in [
        ("PUNCTUATION", r"\p{P}", "General category P (punctuation)"),
        ("SYMBOL", r"\p{S}", "General category S (symbols)"),
        ("NUMBER", r"\p{N}", "General category N (numbers)"),
    ]:
        compiled = regex.compile(pattern)
        ranges = code_point_ranges(lambda ch: compiled.match(ch) is not None)
        lines.append(f"/// {doc}: sorted, disjoint, inclusive code point ranges.")
        lines.append("#[rustfmt::skip]")
        lines.append(f"pub(super) const {name}: &[(u32, u32)] = &[")
        row = []
        for a, b in ranges:
            row.append(f"(0x{a:04X}, 0x{b:04X}),")
            if len(row) == 5:
                lines.append("    " + " ".join(row))
                row = []
        if row:
            lines.append("    " + " ".join(row))
        lines.append("];")
        lines.append("")
    TABLES.write_text("\n".join(lines).rstrip("\n") + "\n", encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--generate", action="store_true", help="rewrite the fixture texts first")
    parser.add_argument("--tables", action="store_true", help="rewrite src/eval/unicode_tables.rs")
    args = parser.parse_args()
    if args.generate:
        generate()
    if args.tables:
        write_tables()
    tokenize_fixture()
    score()


if __name__ == "__main__":
    main()
