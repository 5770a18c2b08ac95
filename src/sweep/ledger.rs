//! Which blobs are scanned, in memory, shared by the repositories a sweep scans at once.
//!
//! A blob is claimed by the first scan that meets it; every other scan (a fork, met at the same
//! time or in a later run) leaves it alone. Before a scan attributes findings it waits until the
//! blobs it left to others are committed to the store, so their hits are there to read.
//! It also remembers the commits and trees read in this run, so that a fork's pack, whose
//! objects are mostly its parent's, is not decoded again.
//! Memory: about 50 bytes per blob scanned (over all runs of the store) and per commit or tree
//! read in this run.

use std::sync::{Condvar, Mutex};

use gix::ObjectId;
use gix::hashtable::HashSet;

#[derive(Default)]
pub struct Ledger {
    state: Mutex<State>,
    committed: Condvar,
}

#[derive(Default)]
struct State {
    /// Scanned and committed.
    done: HashSet<ObjectId>,
    /// Of those, the ones with hits.
    matched: HashSet<ObjectId>,
    /// Claimed by a scan, not yet committed.
    in_flight: HashSet<ObjectId>,
    /// Commits, trees and tags read in this run (not stored: a later run reads only what new
    /// commits bring).
    others: HashSet<ObjectId>,
    /// The writer stopped: what is in flight will never be committed.
    abandoned: bool,
}

/// What a scan meeting a blob should do.
#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    /// Scan it.
    Mine,
    /// Scanned before: nothing to do.
    Done,
    /// Being scanned by another scan: wait for it before attributing.
    Elsewhere,
}

impl Ledger {
    pub fn new(done: Vec<ObjectId>, matched: Vec<ObjectId>) -> Ledger {
        Ledger {
            state: Mutex::new(State {
                done: done.into_iter().collect(),
                matched: matched.into_iter().collect(),
                in_flight: HashSet::default(),
                others: HashSet::default(),
                abandoned: false,
            }),
            committed: Condvar::new(),
        }
    }

    pub fn claim(&self, id: &gix::oid) -> Claim {
        let mut state = self.state.lock().unwrap();
        if state.done.contains(id) {
            Claim::Done
        } else if state.in_flight.insert(id.to_owned()) {
            Claim::Mine
        } else {
            Claim::Elsewhere
        }
    }

    /// Whether `id` needs no reading: a blob scanned, or a commit, tree or tag met before.
    pub fn knows(&self, id: &gix::oid) -> bool {
        let state = self.state.lock().unwrap();
        state.done.contains(id) || state.others.contains(id)
    }

    /// Remembers a commit, tree or tag.
    pub fn learn(&self, id: &gix::oid) {
        self.state.lock().unwrap().others.insert(id.to_owned());
    }

    /// Called once blobs are committed to the store; `matched` says which had hits.
    pub fn committed(&self, blobs: impl IntoIterator<Item = (ObjectId, bool)>) {
        let mut state = self.state.lock().unwrap();
        for (id, matched) in blobs {
            state.in_flight.remove(&id);
            if matched {
                state.matched.insert(id);
            }
            state.done.insert(id);
        }
        drop(state);
        self.committed.notify_all();
    }

    /// Blocks until each of `ids` is committed: `true`, or `false` if the writer stopped.
    pub fn wait_for(&self, ids: &[ObjectId]) -> bool {
        let mut state = self.state.lock().unwrap();
        loop {
            if ids.iter().all(|id| state.done.contains(id)) {
                return true;
            }
            if state.abandoned {
                return false;
            }
            state = self.committed.wait(state).unwrap();
        }
    }

    /// The writer stopped: wakes every waiter.
    pub fn abandon(&self) {
        self.state.lock().unwrap().abandoned = true;
        self.committed.notify_all();
    }

    /// Every blob with hits, committed so far.
    pub fn matched(&self) -> Vec<ObjectId> {
        self.state.lock().unwrap().matched.iter().copied().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> ObjectId {
        ObjectId::from_bytes_or_panic(&[n; 20])
    }

    #[test]
    fn a_blob_is_claimed_once() {
        let ledger = Ledger::new(vec![id(1)], vec![]);
        assert_eq!(ledger.claim(&id(1)), Claim::Done);
        assert_eq!(ledger.claim(&id(2)), Claim::Mine);
        assert_eq!(ledger.claim(&id(2)), Claim::Elsewhere);
        ledger.committed([(id(2), true)]);
        assert_eq!(ledger.claim(&id(2)), Claim::Done);
        assert_eq!(ledger.matched(), vec![id(2)]);
    }

    #[test]
    fn waiting_ends_when_another_thread_commits() {
        let ledger = Ledger::default();
        assert_eq!(ledger.claim(&id(3)), Claim::Mine);
        std::thread::scope(|s| {
            s.spawn(|| ledger.committed([(id(3), false)]));
            assert!(ledger.wait_for(&[id(3)]));
        });
        assert!(ledger.matched().is_empty());
    }

    #[test]
    fn waiting_ends_when_the_writer_stops() {
        let ledger = Ledger::default();
        assert_eq!(ledger.claim(&id(4)), Claim::Mine);
        std::thread::scope(|s| {
            s.spawn(|| ledger.abandon());
            assert!(!ledger.wait_for(&[id(4)]));
        });
    }
}
