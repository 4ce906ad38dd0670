//! A TCP proxy in front of a broker that a test can cut: every open connection is closed
//! at once (as a lost network would), and new ones can be refused for a while.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// The proxy; stops accepting when dropped.
pub struct Proxy {
    port: u16,
    shared: Arc<Shared>,
}

#[derive(Default)]
struct Shared {
    open: Mutex<Vec<TcpStream>>,
    refusing: AtomicBool,
    stop: AtomicBool,
    /// Connections accepted and passed on.
    accepted: AtomicUsize,
}

impl Proxy {
    /// Listens on a free loopback port and forwards to `127.0.0.1:target`.
    pub fn start(target: u16) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let port = listener.local_addr().unwrap().port();
        listener.set_nonblocking(true).unwrap();
        let shared = Arc::new(Shared::default());
        let s = shared.clone();
        thread::spawn(move || {
            while !s.stop.load(Ordering::SeqCst) {
                let Ok((client, _)) = listener.accept() else {
                    thread::sleep(Duration::from_millis(2));
                    continue;
                };
                if s.refusing.load(Ordering::SeqCst) {
                    client.shutdown(Shutdown::Both).ok();
                    continue;
                }
                let Ok(server) = TcpStream::connect(("127.0.0.1", target)) else {
                    continue;
                };
                client.set_nonblocking(false).ok();
                client.set_nodelay(true).ok();
                server.set_nodelay(true).ok();
                s.accepted.fetch_add(1, Ordering::SeqCst);
                let mut open = s.open.lock().unwrap();
                open.push(client.try_clone().unwrap());
                open.push(server.try_clone().unwrap());
                pipe(client.try_clone().unwrap(), server.try_clone().unwrap());
                pipe(server, client);
            }
        });
        Proxy { port, shared }
    }

    /// The port clients connect to.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Closes every open connection; with `refuse`, new ones are closed at once until
    /// [`Proxy::accept`].
    pub fn cut(&self, refuse: bool) {
        self.shared.refusing.store(refuse, Ordering::SeqCst);
        for s in self.shared.open.lock().unwrap().drain(..) {
            s.shutdown(Shutdown::Both).ok();
        }
    }

    /// Passes new connections on again.
    pub fn accept(&self) {
        self.shared.refusing.store(false, Ordering::SeqCst);
    }

    /// Connections passed on so far.
    pub fn accepted(&self) -> usize {
        self.shared.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        self.cut(true);
    }
}

/// Copies bytes from `from` to `to` until either side closes.
fn pipe(mut from: TcpStream, mut to: TcpStream) {
    thread::spawn(move || {
        let mut buf = [0u8; 16 * 1024];
        loop {
            match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if to.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
            }
        }
        from.shutdown(Shutdown::Both).ok();
        to.shutdown(Shutdown::Both).ok();
    });
}
