//! The in-memory session store behind resumption (rustls keeps none without `std`):
//! per server, the key-exchange hint, one TLS 1.2 session (in builds with TLS 1.2) and a
//! few TLS 1.3 tickets.

use super::alloc::vec::Vec;
use core::fmt;

use rustls::client::{ClientSessionStore, Tls12ClientSessionValue, Tls13ClientSessionValue};
use rustls::pki_types::ServerName;
use rustls::NamedGroup;

use super::try_lock::TryLock;

/// Servers remembered; the oldest is forgotten first.
const SERVERS: usize = 4;
/// TLS 1.3 tickets kept per server (servers usually send two); the oldest goes first.
const TICKETS: usize = 2;

struct Entry {
    server: ServerName<'static>,
    kx_hint: Option<NamedGroup>,
    /// Only in builds with TLS 1.2: without it rustls never stores a TLS 1.2 session, and
    /// the slot would still link the session's clone and drop code.
    #[cfg(feature = "tls12")]
    tls12: Option<Tls12ClientSessionValue>,
    tls13: Vec<Tls13ClientSessionValue>,
}

/// A small, bounded [`ClientSessionStore`] shared by the connections of one configuration.
///
/// Plain vectors, oldest first: with at most four servers and two tickets, moving the rest
/// down when the oldest goes costs nothing, and `Vec`'s code is smaller than a ring
/// buffer's (`VecDeque`).
pub(super) struct SessionCache {
    entries: TryLock<Vec<Entry>>,
}

impl SessionCache {
    /// An empty cache.
    pub(super) const fn new() -> Self {
        Self { entries: TryLock::new(Vec::new()) }
    }

    /// Runs `f` on the entry of `server`, if the cache is free and the entry exists.
    fn with<R>(&self, server: &ServerName<'_>, f: impl FnOnce(&mut Entry) -> R) -> Option<R> {
        self.entries.with(|entries| entries.iter_mut().find(|e| e.server == *server).map(f)).flatten()
    }

    /// Runs `f` on the entry of `server`, creating it (evicting the oldest) if needed.
    fn with_new(&self, server: ServerName<'static>, f: impl FnOnce(&mut Entry)) {
        self.entries.with(|entries| {
            if let Some(entry) = entry(entries, server) {
                f(entry);
            }
        });
    }
}

/// The entry of `server` in `entries`, created (evicting the oldest) if needed. Not
/// generic, so the callers of `with_new` share one copy.
fn entry<'a>(entries: &'a mut Vec<Entry>, server: ServerName<'static>) -> Option<&'a mut Entry> {
    if let Some(index) = entries.iter().position(|e| e.server == server) {
        return entries.get_mut(index);
    }
    if entries.len() >= SERVERS {
        entries.remove(0);
    }
    entries.push(Entry {
        server,
        kx_hint: None,
        #[cfg(feature = "tls12")]
        tls12: None,
        tls13: Vec::new(),
    });
    entries.last_mut()
}

impl fmt::Debug for SessionCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionCache")
    }
}

impl ClientSessionStore for SessionCache {
    fn set_kx_hint(&self, server: ServerName<'static>, group: NamedGroup) {
        self.with_new(server, |e| e.kx_hint = Some(group));
    }

    fn kx_hint(&self, server: &ServerName<'_>) -> Option<NamedGroup> {
        self.with(server, |e| e.kx_hint).flatten()
    }

    #[cfg(feature = "tls12")]
    fn set_tls12_session(&self, server: ServerName<'static>, value: Tls12ClientSessionValue) {
        self.with_new(server, |e| e.tls12 = Some(value));
    }

    #[cfg(feature = "tls12")]
    fn tls12_session(&self, server: &ServerName<'_>) -> Option<Tls12ClientSessionValue> {
        self.with(server, |e| e.tls12.clone()).flatten()
    }

    #[cfg(feature = "tls12")]
    fn remove_tls12_session(&self, server: &ServerName<'static>) {
        self.with(server, |e| e.tls12 = None);
    }

    // Built without TLS 1.2, rustls never calls these: nothing is stored.
    #[cfg(not(feature = "tls12"))]
    fn set_tls12_session(&self, _: ServerName<'static>, _: Tls12ClientSessionValue) {}

    #[cfg(not(feature = "tls12"))]
    fn tls12_session(&self, _: &ServerName<'_>) -> Option<Tls12ClientSessionValue> {
        None
    }

    #[cfg(not(feature = "tls12"))]
    fn remove_tls12_session(&self, _: &ServerName<'static>) {}

    fn insert_tls13_ticket(&self, server: ServerName<'static>, value: Tls13ClientSessionValue) {
        self.with_new(server, |e| {
            if e.tls13.len() >= TICKETS {
                e.tls13.remove(0);
            }
            e.tls13.push(value);
        });
    }

    fn take_tls13_ticket(&self, server: &ServerName<'static>) -> Option<Tls13ClientSessionValue> {
        self.with(server, |e| e.tls13.pop()).flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oldest_server_is_forgotten_and_a_busy_cache_is_skipped() {
        const NAMES: [&str; SERVERS + 1] = ["a.example", "b.example", "c.example", "d.example", "e.example"];
        let name = |i: usize| ServerName::try_from(NAMES[i]).unwrap().to_owned();
        let cache = SessionCache::new();
        for i in 0..=SERVERS {
            cache.set_kx_hint(name(i), NamedGroup::X25519);
        }
        assert_eq!(cache.kx_hint(&name(0)), None);
        assert_eq!(cache.kx_hint(&name(SERVERS)), Some(NamedGroup::X25519));

        let inner = cache.entries.with(|_| cache.kx_hint(&name(SERVERS)));
        assert_eq!(inner, Some(None), "a held cache answers nothing instead of waiting");
    }
}
