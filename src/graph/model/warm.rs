//! Bringing many shared presences into the cache before their reference counts change. At 10,000
//! people the presences are scattered over a few megabytes, and each atomic increment or decrement
//! of a count not in the cache waits for its own miss: on x86 a locked instruction lets no later
//! load start before it. Plain loads first let those misses overlap, a dozen at a time, and the
//! atomic updates that follow find their lines in the cache.

use std::sync::Arc;

use super::Presence;

/// How many to warm at once: their lines must still be in the cache when they are used, with
/// whatever else the loop using them reads in between.
pub const WARM_AHEAD: usize = 256;

/// Reads each presence's reference count and id with plain loads.
pub fn warm<'a>(presences: impl IntoIterator<Item = &'a Arc<Presence>>) {
    let sum = presences
        .into_iter()
        .map(|p| Arc::strong_count(p) ^ p.id.as_str().as_ptr() as usize)
        .fold(0usize, usize::wrapping_add);
    std::hint::black_box(sum);
}
