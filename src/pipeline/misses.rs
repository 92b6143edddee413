//! Stage 3: the backend translates the units the store lacks.
//!
//! Every answer is validated as its response arrives; a good one is stored
//! at once and the store flushed at the end of each response, so a run
//! killed half-way keeps every answer it received. A unit whose answer does
//! not keep its tags, or whose request failed in a way that may pass later,
//! is sent once more on its own; after that it stays in the source language
//! and is reported. A translation that fails validation is never stored.

use super::lookup::WantedUnits;
use super::{PipelineError, UntranslatedReason};
use crate::segment::tagged::{check_pairs_keep_text, validate_tags};
use crate::store::{Languages, Record, Store, StoreError, UnitKey};
use crate::translate::{BackendError, BackendErrorKind, Profile, Request, Response, Translator};
use std::collections::HashMap;
use std::ops::ControlFlow;

/// What the backend did for the misses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MissesOutcome {
    /// Distinct units translated (and stored).
    pub n_translated: usize,
    /// Units left without translation: index into [`WantedUnits::units`], reason.
    pub untranslated: Vec<(usize, UntranslatedReason)>,
}

/// Asks `backend` for the units at `misses` (indexes into `wanted`), stores
/// each valid answer under the backend's profile as it arrives and adds it
/// to `translations`.
pub fn translate_misses(
    backend: &dyn Translator,
    wanted: &WantedUnits,
    misses: &[usize],
    languages: Languages<'_>,
    store: &Store,
    translations: &mut HashMap<UnitKey, String>,
) -> Result<MissesOutcome, PipelineError> {
    let mut outcome = MissesOutcome::default();
    let Some(profile) = backend.profile() else {
        outcome.untranslated = misses.iter().map(|&i| (i, UntranslatedReason::NotInStore)).collect();
        return Ok(outcome);
    };
    // First every miss, packed; then, once, the units whose answer was
    // unusable (each alone) and those whose request failed in a way that
    // may pass (packed again).
    let mut rounds = vec![(misses.to_vec(), Attempt::First, false)];
    while let Some((pending, attempt, alone)) = rounds.pop() {
        if pending.is_empty() {
            continue;
        }
        let mut round = Round {
            wanted,
            pending: &pending,
            answered: vec![false; pending.len()],
            attempt,
            profile: &profile,
            store,
            translations: &mut *translations,
            outcome: &mut outcome,
            retry_alone: Vec::new(),
            retry_packed: Vec::new(),
            store_error: None,
        };
        let texts: Vec<&str> = pending.iter().map(|&i| wanted.units[i].tagged.as_str()).collect();
        let request = Request {
            languages,
            units: &texts,
            one_unit_per_request: alone,
        };
        let result = backend.translate(&request, &mut |response| round.take(response));
        if let Some(error) = round.store_error {
            return Err(error.into());
        }
        result.map_err(|source| PipelineError::Backend {
            backend: backend.name(),
            source,
        })?;
        for (offset, answered) in round.answered.iter().enumerate() {
            if !answered {
                round
                    .outcome
                    .untranslated
                    .push((pending[offset], UntranslatedReason::NoAnswer));
            }
        }
        let (retry_alone, retry_packed) = (round.retry_alone, round.retry_packed);
        rounds.push((retry_alone, Attempt::Last, true));
        rounds.push((retry_packed, Attempt::Last, false));
    }
    Ok(outcome)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Attempt {
    First,
    Last,
}

/// One request for the pending units and what came back.
struct Round<'a> {
    wanted: &'a WantedUnits,
    pending: &'a [usize],
    answered: Vec<bool>,
    attempt: Attempt,
    profile: &'a Profile,
    store: &'a Store,
    translations: &'a mut HashMap<UnitKey, String>,
    outcome: &'a mut MissesOutcome,
    /// Units whose answer was unusable: sent again, each alone.
    retry_alone: Vec<usize>,
    /// Units whose request failed in a way that may pass: sent again, packed.
    retry_packed: Vec<usize>,
    store_error: Option<StoreError>,
}

impl Round<'_> {
    /// Validates and stores the answers of one response, then flushes.
    fn take(&mut self, response: Response) -> ControlFlow<()> {
        for (offset, answer) in response.answers {
            // An index the request does not have, or a second answer for a
            // unit, is ignored: the first answer stands.
            let Some(&index) = self.pending.get(offset) else {
                tracing::debug!("the backend answered for unit {offset}, which it was not asked for");
                continue;
            };
            if std::mem::replace(&mut self.answered[offset], true) {
                continue;
            }
            if let Err(error) = self.take_answer(index, answer) {
                self.store_error = Some(error);
                return ControlFlow::Break(());
            }
        }
        match self.store.flush() {
            Ok(()) => ControlFlow::Continue(()),
            Err(error) => {
                self.store_error = Some(error);
                ControlFlow::Break(())
            }
        }
    }

    fn take_answer(&mut self, index: usize, answer: crate::translate::UnitAnswer) -> Result<(), StoreError> {
        let unit = &self.wanted.units[index];
        let last = self.attempt == Attempt::Last;
        let reason = match answer {
            // An empty answer for a unit with text is a lost answer, not a translation.
            Ok(text) if text.trim().is_empty() && !unit.tagged.trim().is_empty() => {
                UntranslatedReason::Backend(BackendError::new(BackendErrorKind::BadAnswer, "the answer is empty"))
            }
            Ok(text) => {
                match validate_tags(&text, &unit.shapes).and_then(|_| check_pairs_keep_text(&unit.tagged, &text)) {
                    Ok(_) => {
                        let record = Record::new(&unit.tagged, &text, self.profile.origin, &self.profile.name);
                        self.store.put(&unit.key, &record)?;
                        self.translations.insert(unit.key, text);
                        self.outcome.n_translated += 1;
                        return Ok(());
                    }
                    Err(error) => {
                        tracing::debug!(
                            "the translation of `{}` does not keep its tags: `{text}`: {error}",
                            unit.tagged
                        );
                        UntranslatedReason::BadTags { answer: text, error }
                    }
                }
            }
            Err(error) if !last && error.is_retryable() => UntranslatedReason::Backend(error),
            Err(error) => {
                self.outcome
                    .untranslated
                    .push((index, UntranslatedReason::Backend(error)));
                return Ok(());
            }
        };
        if last {
            tracing::warn!(
                "{}: keeping `{}` in the source language: {reason}",
                unit.chapter,
                unit.tagged
            );
            self.outcome.untranslated.push((index, reason));
        } else if matches!(&reason, UntranslatedReason::Backend(error) if error.kind != BackendErrorKind::BadAnswer) {
            // The request failed, not the answer: the unit goes back in a packed request.
            self.retry_packed.push(index);
        } else {
            self.retry_alone.push(index);
        }
        Ok(())
    }
}
