//! A stream polled only after it asked to be. Crossterm's `EventStream` takes a lock that its
//! reading thread holds while it waits for input, and a poll that finds the lock held spins,
//! yielding the CPU seven times, before it gives up. The event loop polls every source whenever any
//! of them wakes it, so an idle board paid that spin for every message a poll of Graph brought.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};

use futures::Stream;
use futures::task::AtomicWaker;

pub struct WhenWoken<S> {
    inner: S,
    signal: Arc<Signal>,
    /// The one waker the inner stream is ever given: a stream that hands it to a thread of its own
    /// keeps working whatever task polls the wrapper.
    waker: Waker,
}

struct Signal {
    woken: AtomicBool,
    task: AtomicWaker,
}

impl Wake for Signal {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        self.task.wake();
    }
}

impl<S> WhenWoken<S> {
    pub fn new(inner: S) -> Self {
        let signal = Arc::new(Signal {
            // The first poll goes through: nothing has asked to be woken yet.
            woken: AtomicBool::new(true),
            task: AtomicWaker::new(),
        });
        Self {
            inner,
            waker: Waker::from(Arc::clone(&signal)),
            signal,
        }
    }
}

impl<S: Stream + Unpin> Stream for WhenWoken<S> {
    type Item = S::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        let this = self.get_mut();
        // Registered before looking, so a wake between the two is not lost.
        this.signal.task.register(cx.waker());
        if !this.signal.woken.swap(false, Ordering::AcqRel) {
            return Poll::Pending;
        }
        let polled = Pin::new(&mut this.inner).poll_next(&mut Context::from_waker(&this.waker));
        if polled.is_ready() {
            // More may be waiting, and a stream that answered does not wake anyone for it.
            this.signal.woken.store(true, Ordering::Release);
        }
        polled
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use futures::channel::mpsc;

    use super::*;

    /// Counts the polls that reach it.
    struct Counted<S>(S, Arc<AtomicUsize>);

    impl<S: Stream + Unpin> Stream for Counted<S> {
        type Item = S::Item;
        fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
            self.1.fetch_add(1, Ordering::SeqCst);
            Pin::new(&mut self.0).poll_next(cx)
        }
    }

    struct Task(AtomicUsize);

    impl Wake for Task {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn the_inner_stream_is_polled_only_after_it_woke_or_answered() {
        let (tx, rx) = mpsc::unbounded::<u8>();
        let polls = Arc::new(AtomicUsize::new(0));
        let mut stream = WhenWoken::new(Counted(rx, Arc::clone(&polls)));
        let task = Arc::new(Task(AtomicUsize::new(0)));
        let waker = Waker::from(Arc::clone(&task));
        let mut cx = Context::from_waker(&waker);
        let mut poll = || Pin::new(&mut stream).poll_next(&mut cx);

        assert!(poll().is_pending());
        assert!(poll().is_pending());
        assert!(poll().is_pending());
        assert_eq!(polls.load(Ordering::SeqCst), 1, "asleep: not polled again");

        tx.unbounded_send(7).unwrap();
        tx.unbounded_send(8).unwrap();
        assert_eq!(task.0.load(Ordering::SeqCst), 1, "the task is woken");
        assert_eq!(poll(), Poll::Ready(Some(7)));
        assert_eq!(poll(), Poll::Ready(Some(8)), "an answer is followed up");
        assert!(poll().is_pending());
        assert!(poll().is_pending());
        assert_eq!(polls.load(Ordering::SeqCst), 4);

        drop(tx);
        assert_eq!(poll(), Poll::Ready(None));
    }
}
