//! Block-level translations: a whole segment translated as one unit (a
//! paragraph of an mdbook-i18n-helpers PO file whose sentences could not
//! be matched one by one). Stage 2 looks them up for segments of several
//! units, where the store says it has any; stage 4 splices such a segment
//! as one unit ([`merge_units`]).

use super::lookup::{Lookup, WantedUnits};
use crate::collect::CollectedBook;
use crate::segment::{ChapterSegments, merge_units};
use crate::store::{Languages, Origin, Store, StoreError, UnitKey, block_records_meta_key};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// Adds the block translations of `collected`'s segments to `lookup`: a
/// segment with one takes it instead of its sentences' translations, and
/// its sentences are no longer misses unless another segment needs them.
/// Only where `profiles` serves human records.
pub fn lookup_block_translations<P: AsRef<str>>(
    collected: &CollectedBook,
    languages: Languages<'_>,
    store: &Store,
    profiles: &[P],
    wanted: &WantedUnits,
    lookup: &mut Lookup,
) -> Result<usize, StoreError> {
    let serves_human = profiles.iter().any(|profile| profile.as_ref() == "human");
    if !serves_human || store.meta(&block_records_meta_key(languages.target))?.as_deref() != Some(b"1") {
        return Ok(0);
    }
    let mut n_blocks = 0;
    let mut needed: HashSet<UnitKey> = collected.all_names().map(|name| languages.key(&name.tagged)).collect();
    let mut covered: HashSet<UnitKey> = HashSet::new();
    for chapter in collected.chapters() {
        for segment in &chapter.segments.segments {
            let keys = segment
                .units
                .iter()
                .filter(|u| u.translatable)
                .map(|u| languages.key(&u.tagged));
            let block = (segment.units.len() > 1).then(|| merge_units(&segment.units)).flatten();
            let found = match &block {
                Some(block) => store
                    .lookup(&languages.key(&block.tagged), &["human"])?
                    .map(|record| (languages.key(&block.tagged), record.text)),
                None => None,
            };
            match found {
                Some((key, text)) => {
                    lookup.translations.insert(key, text);
                    lookup.origins.insert(key, Origin::Human);
                    covered.extend(keys);
                    n_blocks += 1;
                }
                None => needed.extend(keys),
            }
        }
    }
    lookup.misses.retain(|&index| needed.contains(&wanted.units[index].key));
    lookup
        .translations
        .retain(|key, _| !covered.contains(key) || needed.contains(key));
    for key in covered.difference(&needed) {
        lookup.origins.insert(*key, Origin::Human);
    }
    Ok(n_blocks)
}

/// The segments of a chapter with every segment whose sentences have no
/// translation but whose block has one made one unit, so the splice writes
/// the block whole.
pub fn with_block_units<'a>(
    segments: &'a ChapterSegments,
    translations: &HashMap<UnitKey, String>,
    languages: Languages<'_>,
) -> Cow<'a, ChapterSegments> {
    let mut result = Cow::Borrowed(segments);
    for (index, segment) in segments.segments.iter().enumerate() {
        let sentences_translated = segment
            .units
            .iter()
            .filter(|unit| unit.translatable)
            .any(|unit| translations.contains_key(&languages.key(&unit.tagged)));
        if segment.units.len() < 2 || sentences_translated {
            continue;
        }
        if let Some(block) = merge_units(&segment.units)
            && translations.contains_key(&languages.key(&block.tagged))
        {
            result.to_mut().segments[index].units = vec![block];
        }
    }
    result
}
