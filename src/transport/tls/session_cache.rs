//! The in-memory session store behind resumption (rustls keeps none without `std`):
//! per server, the key-exchange hint, one TLS 1.2 session and a few TLS 1.3 tickets.

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
    tls12: Option<Tls12ClientSessionValue>,
    tls13: Vec<Tls13ClientSessionValue>,
}

/// A small, bounded [`ClientSessionStore`] shared by the connections of one configuration.
pub(super) struct SessionCache {
    entries: TryLock<Vec<Entry>>,
}

impl SessionCache {
    /// An empty cache.
    pub(super) const fn new() -> Self {
        Self {
            entries: TryLock::new(Vec::new()),
        }
    }

    /// Runs `f` on the entry of `server`, if the cache is free and the entry exists.
    fn with<R>(&self, server: &ServerName<'_>, f: impl FnOnce(&mut Entry) -> R) -> Option<R> {
        self.entries
            .with(|entries| entries.iter_mut().find(|e| e.server == *server).map(f))
            .flatten()
    }

    /// Runs `f` on the entry of `server`, creating it (evicting the oldest) if needed.
    fn with_new(&self, server: ServerName<'static>, f: impl FnOnce(&mut Entry)) {
        self.entries.with(|entries| {
            let at = match entries.iter().position(|e| e.server == server) {
                Some(at) => at,
                None => {
                    if entries.len() >= SERVERS {
                        entries.remove(0);
                    }
                    entries.push(Entry {
                        server,
                        kx_hint: None,
                        tls12: None,
                        tls13: Vec::new(),
                    });
                    entries.len() - 1
                }
            };
            if let Some(entry) = entries.get_mut(at) {
                f(entry);
            }
        });
    }
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

    fn set_tls12_session(&self, server: ServerName<'static>, value: Tls12ClientSessionValue) {
        self.with_new(server, |e| e.tls12 = Some(value));
    }

    fn tls12_session(&self, server: &ServerName<'_>) -> Option<Tls12ClientSessionValue> {
        self.with(server, |e| e.tls12.clone()).flatten()
    }

    fn remove_tls12_session(&self, server: &ServerName<'static>) {
        self.with(server, |e| e.tls12 = None);
    }

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
