//! Translation quality: corpus BLEU and chrF, compatible with sacreBLEU.
