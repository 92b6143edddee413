// Search per language, added by mdbook-translate (src/search.rs) in front of the index data,
// so it runs before mdBook's searcher.js loads the index: queries are cut into terms by the
// rules the index was built with, and result teasers highlight what matched.
(function () {
    'use strict';
    const config = /*CONFIG*/null;
    if (typeof elasticlunr === 'undefined' || config === null) {
        return;
    }

    // The rules of src/search/tokenize.rs, which built the index: keep the two the same.
    const ACCENTS = /[\u0300-\u036f]/g;
    const WORD = /^[\p{Alphabetic}\p{N}\p{M}]$/u;
    const DENSE = [
        [0x1100, 0x11FF], [0x3005, 0x3005], [0x3007, 0x3007], [0x3040, 0x309F], [0x30A0, 0x30FA],
        [0x30FC, 0x30FF], [0x3130, 0x318F], [0x31F0, 0x31FF], [0x3400, 0x4DBF], [0x4E00, 0x9FFF],
        [0xA960, 0xA97F], [0xAC00, 0xD7FF], [0xF900, 0xFAFF], [0xFF66, 0xFF9F], [0x20000, 0x3FFFF],
    ];

    function fold(text) {
        return text.toLowerCase().normalize('NFD').replace(ACCENTS, '').normalize('NFC');
    }

    function isDense(c) {
        const point = c.codePointAt(0);
        return DENSE.some(range => point >= range[0] && point <= range[1]);
    }

    // The runs of word characters of one kind in folded text, with their UTF-16 offsets.
    function runs(folded) {
        const found = [];
        let run = null;
        let at = 0;
        for (const c of folded) {
            const kind = isDense(c) ? 'dense' : WORD.test(c) ? 'word' : null;
            if (run !== null && kind !== run.kind) {
                run.end = at;
                found.push(run);
                run = null;
            }
            if (run === null && kind !== null) {
                run = {kind: kind, start: at};
            }
            at += c.length;
        }
        if (run !== null) {
            run.end = at;
            found.push(run);
        }
        return found.map(r => ({
            text: folded.slice(r.start, r.end), dense: r.kind === 'dense', start: r.start, end: r.end,
        }));
    }

    function bigrams(text) {
        const chars = Array.from(text);
        const pairs = [];
        for (let i = 0; i + 1 < chars.length; i++) {
            pairs.push(chars[i] + chars[i + 1]);
        }
        return pairs.length === 0 ? [text] : pairs;
    }

    function queryTerms(text) {
        const terms = [];
        for (const run of runs(fold(text))) {
            terms.push(...(run.dense ? bigrams(run.text) : [run.text]));
        }
        return terms;
    }

    const defaultTokenizer = elasticlunr.tokenizer;
    elasticlunr.tokenizer = Object.assign(function (value) {
        if (value === null || value === undefined) {
            return [];
        }
        const texts = Array.isArray(value) ? value.filter(v => v !== null && v !== undefined) : [value];
        return texts.flatMap(v => queryTerms(String(v)));
    }, defaultTokenizer);

    // English: elasticlunr's stop words and stemmer, for words only.
    elasticlunr.Pipeline.registerFunction(function (term) {
        if (Array.from(term).some(isDense)) {
            return term;
        }
        const kept = elasticlunr.stopWordFilter(term);
        return kept === undefined ? undefined : elasticlunr.stemmer(kept);
    }, 'mdbookTranslateEnglish');

    const ESCAPES = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', '\'': '&#39;'};
    function escapeHTML(text) {
        return text.replace(/[&<>'"]/g, c => ESCAPES[c]);
    }

    // Where `query` matches `body`: sorted, disjoint [start, end) offsets in `body`. A word
    // matches the words it begins (as the search expands it), through the stemmer in English;
    // a dense run matches where it occurs, or else where its bigrams do.
    function matches(body, query) {
        let folded = '';
        const origin = [];
        let at = 0;
        for (const c of body) {
            const f = fold(c);
            for (let k = 0; k < f.length; k++) {
                origin.push(at);
            }
            folded += f;
            at += c.length;
        }
        origin.push(at);
        const stem = config.english ? elasticlunr.stemmer : w => w;
        const words = runs(folded).filter(run => !run.dense);
        const found = [];
        const occurrences = text => {
            let n = 0;
            for (let i = folded.indexOf(text); i >= 0; i = folded.indexOf(text, i + 1), n++) {
                found.push([i, i + text.length]);
            }
            return n;
        };
        for (const term of runs(fold(query))) {
            if (term.dense) {
                if (occurrences(term.text) === 0) {
                    bigrams(term.text).forEach(occurrences);
                }
                continue;
            }
            const wanted = stem(term.text);
            for (const word of words) {
                if (word.text.startsWith(term.text) || stem(word.text).startsWith(wanted)) {
                    found.push([word.start, word.end]);
                }
            }
        }
        found.sort((a, b) => a[0] - b[0]);
        const merged = [];
        for (const [start, end] of found) {
            const last = merged[merged.length - 1];
            if (last && origin[start] <= last[1]) {
                last[1] = Math.max(last[1], origin[end]);
            } else {
                merged.push([origin[start], origin[end]]);
            }
        }
        return merged;
    }

    // About `wordCount` words of `body` around the most matches of `query`, matches in <em>.
    function teaser(body, query, wordCount) {
        const found = matches(body, query);
        const budget = wordCount * (config.dense ? 3 : 7);
        let start = 0;
        if (body.length > budget) {
            let best = 0;
            for (const [at] of found) {
                const from = Math.max(0, Math.min(at - Math.floor(budget / 4), body.length - budget));
                const count = found.filter(m => m[0] >= from && m[1] <= from + budget).length;
                if (count > best) {
                    best = count;
                    start = from;
                }
            }
        }
        let end = Math.min(body.length, start + budget);
        if (!config.dense) {
            // Whole words, without cutting a match.
            const inside = found.filter(m => m[0] >= start && m[1] <= end);
            const space = body.slice(start, inside.length > 0 ? inside[0][0] : end).search(/\s/);
            if (start > 0 && space >= 0) {
                start += space + 1;
            }
            const last = body.slice(inside.length > 0 ? inside[inside.length - 1][1] : start, end);
            const cut = last.search(/\s\S*$/);
            if (end < body.length && cut >= 0) {
                end -= last.length - cut;
            }
        }
        let html = '';
        let at = start;
        for (const [from, to] of found) {
            if (to <= start || from >= end || from < at) {
                continue;
            }
            html += escapeHTML(body.slice(at, from)) + '<em>' + escapeHTML(body.slice(from, Math.min(to, end))) + '</em>';
            at = Math.min(to, end);
        }
        return html + escapeHTML(body.slice(at, end));
    }

    // The document URL that a result link of mdBook's searcher leads to; the link is
    // path_to_root + page + '?highlight=…' + '#' + anchor.
    function documentUrl(href) {
        const root = typeof path_to_root === 'string' ? path_to_root : '';
        const rest = href.startsWith(root) ? href.slice(root.length) : href;
        const hash = rest.indexOf('#');
        const anchor = hash >= 0 ? rest.slice(hash + 1) : '';
        const page = rest.slice(0, hash >= 0 ? hash : rest.length).split('?')[0];
        return anchor === '' ? page : page + '#' + anchor;
    }

    // mdBook's searcher writes the results; each teaser is then written again from its
    // document (before the page is drawn, as observers run before rendering).
    const list = document.getElementById('mdbook-searchresults');
    const bar = document.getElementById('mdbook-searchbar');
    if (!list || !bar || typeof MutationObserver === 'undefined') {
        return;
    }
    let refs = null;
    new MutationObserver(() => {
        const search = window.search || {};
        const store = search.index && search.index.documentStore;
        if (!store || !store.docs || !Array.isArray(search.doc_urls)) {
            return;
        }
        if (refs === null) {
            refs = new Map(search.doc_urls.map((url, ref) => [url, String(ref)]));
        }
        const wordCount = (search.results_options || {}).teaser_word_count || 30;
        for (const item of list.children) {
            const link = item.querySelector('a');
            const span = item.querySelector('.teaser');
            const doc = link && span && store.docs[refs.get(documentUrl(link.getAttribute('href') || ''))];
            if (doc && typeof doc.body === 'string') {
                span.innerHTML = teaser(doc.body, bar.value, wordCount);
            }
        }
    }).observe(list, {childList: true});
})();
