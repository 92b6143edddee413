//! What the store says it holds: per tree, the number of entries and a sum
//! of their checksums, and a generation that every write batch advances.
//! They are kept in `meta` under [`INTEGRITY_KEY`] and rewritten in the same
//! sled transaction as the entries they count, so that they agree with the
//! entries after a crash at any point; a check that reads every entry (see
//! `open.rs`) finds an entry lost, added or changed by damage.

/// The `meta` key of the counters (not itself counted).
pub const INTEGRITY_KEY: &[u8] = b"integrity";

/// The trees of the store, in the order of [`Integrity::trees`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TreeId {
    /// Machine translations.
    Units = 0,
    /// Human translations.
    Human = 1,
    /// Everything else: schema, import fingerprints, batch runs, versions.
    Meta = 2,
}

impl TreeId {
    /// Every tree, in index order.
    pub const ALL: [TreeId; 3] = [TreeId::Units, TreeId::Human, TreeId::Meta];

    /// The sled tree's name.
    pub fn name(self) -> &'static str {
        match self {
            TreeId::Units => "units",
            TreeId::Human => "human",
            TreeId::Meta => "meta",
        }
    }

    /// Its index in [`Integrity::trees`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// The entries of one tree: how many, and the sum of their checksums.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TreeSum {
    /// Entries.
    pub count: u64,
    /// Sum (wrapping) of [`entry_checksum`] over the entries.
    pub sum: u64,
}

impl TreeSum {
    /// Counts an entry in.
    pub fn add(&mut self, tree: TreeId, key: &[u8], value: &[u8]) {
        self.count = self.count.wrapping_add(1);
        self.sum = self.sum.wrapping_add(entry_checksum(tree, key, value));
    }

    /// Counts an entry out.
    pub fn remove(&mut self, tree: TreeId, key: &[u8], value: &[u8]) {
        self.count = self.count.wrapping_sub(1);
        self.sum = self.sum.wrapping_sub(entry_checksum(tree, key, value));
    }
}

/// CRC-32 of the tree, the key's length, the key and the value: a change of
/// any of them changes it (but for one chance in 2³²). A sum of these is
/// independent of the order entries are read in.
pub fn entry_checksum(tree: TreeId, key: &[u8], value: &[u8]) -> u64 {
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(&[tree as u8]);
    hasher.update(&(key.len() as u32).to_le_bytes());
    hasher.update(key);
    hasher.update(value);
    u64::from(hasher.finalize())
}

/// The counters of the whole store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Integrity {
    /// Write batches so far.
    pub generation: u64,
    /// Per tree, in [`TreeId::ALL`] order.
    pub trees: [TreeSum; 3],
}

/// Version byte of the encoded counters.
const INTEGRITY_VERSION: u8 = 1;

impl Integrity {
    /// Entries per tree.
    pub fn counts(&self) -> [u64; 3] {
        self.trees.map(|tree| tree.count)
    }

    /// The bytes kept in `meta`: a version byte and seven little-endian u64.
    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(57);
        bytes.push(INTEGRITY_VERSION);
        bytes.extend_from_slice(&self.generation.to_le_bytes());
        for tree in &self.trees {
            bytes.extend_from_slice(&tree.count.to_le_bytes());
            bytes.extend_from_slice(&tree.sum.to_le_bytes());
        }
        bytes
    }

    /// Reads [`Integrity::encode`]'s bytes.
    pub fn decode(bytes: &[u8]) -> Option<Integrity> {
        let (&version, rest) = bytes.split_first()?;
        if version != INTEGRITY_VERSION || rest.len() != 56 {
            return None;
        }
        let word = |i: usize| u64::from_le_bytes(rest[i * 8..i * 8 + 8].try_into().expect("8 bytes"));
        let mut integrity = Integrity {
            generation: word(0),
            ..Integrity::default()
        };
        for (i, tree) in integrity.trees.iter_mut().enumerate() {
            tree.count = word(1 + 2 * i);
            tree.sum = word(2 + 2 * i);
        }
        Some(integrity)
    }
}
