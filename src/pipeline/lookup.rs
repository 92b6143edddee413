//! Stage 2: the distinct units of a collected book, keyed under a language
//! pair, and their lookup in the store.

use crate::collect::CollectedBook;
use crate::segment::tagged::SlotShape;
use crate::store::{Languages, Origin, Store, StoreError, UnitKey};
use std::collections::HashMap;

/// One distinct unit of the book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WantedUnit {
    /// Its key under the language pair.
    pub key: UnitKey,
    /// Its tagged text.
    pub tagged: String,
    /// The shapes of its slots, which a translation must keep.
    pub shapes: Vec<SlotShape>,
    /// Where it first appears, for reports.
    pub chapter: String,
}

/// The distinct units of a book, in a stable order (by first chapter, then
/// key), so that reports and requests are reproducible.
#[derive(Debug, Clone, Default)]
pub struct WantedUnits {
    /// Every distinct unit.
    pub units: Vec<WantedUnit>,
    /// Units in the book, with repeats.
    pub n_uses: usize,
}

impl WantedUnits {
    /// The translatable units and names of `collected`, keyed under `languages`.
    pub fn of_book(collected: &CollectedBook, languages: Languages<'_>) -> WantedUnits {
        let mut by_key: HashMap<UnitKey, WantedUnit> = HashMap::new();
        let mut n_uses = 0;
        let mut want = |tagged: &str, shapes: Vec<SlotShape>, chapter: &str| {
            n_uses += 1;
            let key = languages.key(tagged);
            by_key.entry(key).or_insert_with(|| WantedUnit {
                key,
                tagged: tagged.to_string(),
                shapes,
                chapter: chapter.to_string(),
            });
        };
        for chapter in collected.chapters() {
            for unit in chapter.segments.translatable_units() {
                want(&unit.tagged, unit.slot_shapes(), &chapter.label);
            }
        }
        for name in collected.all_names() {
            want(&name.tagged, Vec::new(), &name.place);
        }
        let mut units: Vec<WantedUnit> = by_key.into_values().collect();
        units.sort_by(|a, b| a.chapter.cmp(&b.chapter).then(a.key.cmp(&b.key)));
        WantedUnits { units, n_uses }
    }
}

/// What the store had.
#[derive(Debug, Clone, Default)]
pub struct Lookup {
    /// Translations found, by key.
    pub translations: HashMap<UnitKey, String>,
    /// The origin of each unit's translation, by key: of the translation
    /// found, or of the block translation that covers the unit.
    pub origins: HashMap<UnitKey, Origin>,
    /// Indexes (into [`WantedUnits::units`]) of the units the store lacks.
    pub misses: Vec<usize>,
}

/// Looks every wanted unit up in `store` among the records `profiles` serves.
pub fn lookup_units<P: AsRef<str>>(store: &Store, wanted: &WantedUnits, profiles: &[P]) -> Result<Lookup, StoreError> {
    let mut lookup = Lookup::default();
    for (index, unit) in wanted.units.iter().enumerate() {
        match store.lookup(&unit.key, profiles)? {
            Some(record) => {
                lookup.origins.insert(unit.key, record.origin);
                lookup.translations.insert(unit.key, record.text);
            }
            None => lookup.misses.push(index),
        }
    }
    Ok(lookup)
}
