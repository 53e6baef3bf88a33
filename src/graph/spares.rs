//! Buffers handed back to be written into again. jemalloc returns freed pages to the system at
//! once, so a buffer allocated afresh for each request of a read faults in every page it touches;
//! one kept from the last request is memory already in use.

use std::sync::{Mutex, MutexGuard, PoisonError};

use bytes::{Bytes, BytesMut};

pub struct Spares<T> {
    kept: Mutex<Vec<T>>,
    /// Kept at most: one per request in flight is all a read reuses.
    most: usize,
}

impl<T: Default> Spares<T> {
    pub const fn new(most: usize) -> Self {
        Self {
            kept: Mutex::new(Vec::new()),
            most,
        }
    }

    /// A kept buffer, else a new empty one. What it holds is the caller's to clear.
    pub fn take(&self) -> T {
        self.kept().pop().unwrap_or_default()
    }

    pub fn keep(&self, buffer: T) {
        let mut kept = self.kept();
        if kept.len() < self.most {
            kept.push(buffer);
        }
    }

    /// Keeps `body`'s buffer, emptied, when nothing else refers to it (only then can it be written
    /// into again).
    pub fn recycle(&self, body: Bytes)
    where
        T: From<BytesMut>,
    {
        if let Ok(mut body) = body.try_into_mut() {
            body.clear();
            self.keep(body.into());
        }
    }

    /// Drops every buffer kept: until the next read they would only add to the resident size.
    pub fn clear(&self) {
        *self.kept() = Vec::new();
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.kept().len()
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.kept().is_empty()
    }

    fn kept(&self) -> MutexGuard<'_, Vec<T>> {
        self.kept.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_kept_emptied_so_many_at_most_until_cleared() {
        let spares: Spares<BytesMut> = Spares::new(1);
        spares.recycle(Bytes::from(vec![1u8; 100]));
        spares.recycle(Bytes::from(vec![2u8; 10]));
        let kept = spares.take();
        assert!(
            kept.is_empty() && kept.capacity() >= 100,
            "emptied, and the first kept"
        );
        assert_eq!(spares.take().capacity(), 0, "one at most");
        spares.keep(kept);
        spares.clear();
        assert_eq!(spares.take().capacity(), 0);
    }
}
