//! What lives in `mqtt_rs_client` storage, and the only ways calls reach it.
//!
//! # Aliasing: why calls from inside callbacks are sound
//!
//! The application's callbacks run inside a driving call, and the callback rule lets them
//! queue requests and read state on the same client. So the storage is never reached
//! through a `&mut Handle` while it is initialised: every call takes a shared `&Handle`,
//! and what may change lives in cells, each with one rule:
//!
//! - `inbox` (the receive side, which a delivered message points into) is borrowed
//!   mutably by the one driving call, for its whole length, and by nothing else: a
//!   nested driving call is refused before it reaches the inbox, and queue calls and
//!   queries never touch it.
//! - `session` (the queue side: engine, send queue, window, connection) is borrowed in
//!   short spans, one at a time. Who may borrow it is `phase`:
//!   - [`Phase::Idle`]: no call is under way; a call may take it.
//!   - [`Phase::Driving`]: the driving call lends it to the transport step by step
//!     (`transport::drive::Lent`, and with MQTT 5.0 `Lender::session` for the answer to an AUTH);
//!     network callbacks run inside those steps, so every call made from them is refused
//!     (`MQTT_RS_CALLED_FROM_CALLBACK`, queries give their NULL value) and never touches
//!     the session.
//!   - [`Phase::Delivering`]: `on_message` or `on_event` runs. The transport lends the
//!     session and hands out events through the same `&mut` value (`Lent`, which holds
//!     the session's cell and this [`Owner`]), so the borrow checker has ended every lent
//!     session before an event goes out: the driving call holds no reference to the
//!     session now, only the event's borrow of the receive buffer. One queue call or
//!     query may take the session.
//!   - [`Phase::Queueing`]: a queue call or query holds it; calls from inside it (from
//!     the clock callback) are refused.
//!
//! `tests/reentry.rs` makes such calls from every kind of callback; under Miri
//! (`cargo +nightly miri test --test reentry`) it checks these rules for aliasing
//! violations.
//!
//! Lifetimes: the buffers, slots, topics and payloads the client keeps are the caller's,
//! valid for as long as each function's `# Safety` section says. The storage is
//! re-borrowed per call as `Handle<'c>` with a lifetime `'c` that the entry functions
//! give to their closure, never `'static`: what a call stores, the next call reads back
//! under its own `'c`, which the C contract (memory valid until the flow ends or the
//! client is deinitialised) makes true.

use super::net::Net;
use super::result::mqtt_rs_result::{self, *};
use super::sink::CallbackSink;
use super::types::*;
use crate::engine::{Engine, Event, Inbox, Slot};
use crate::transport::client::{Error, Owner, Session};
use crate::transport::drive::Driver;
use crate::transport::reconnect::Track;
use core::cell::{Cell, UnsafeCell};
use core::ffi::c_void;
use core::mem::{align_of, size_of};
use core::ptr::{addr_of, addr_of_mut};

/// Marks initialised client storage. One byte four times over: Thumb-2 builds such a word
/// in one instruction and compares with it directly (another word took two to build).
const MAGIC: u32 = 0x6d6d_6d6d;
/// Added to [`MAGIC`] on hosted targets when a lock callback is set (it never changes while
/// the client is initialised), so that one comparison finds a client initialised and without
/// one; 0 on bare metal, which keeps one path of the full checks (smaller).
const LOCKING: u32 = if cfg!(target_os = "none") { 0 } else { 1 << 31 };

/// Who may borrow the session now (see the module documentation).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// No call is under way.
    Idle,
    /// A driving call is under way, outside `on_message`/`on_event`.
    Driving,
    /// A driving call runs `on_message` or `on_event`.
    Delivering,
    /// A queue call or query holds the session.
    Queueing,
}

/// What lives in `mqtt_rs_client` storage. In declaration order, so that the magic word and
/// the phase come first: Thumb's 16-bit loads and stores reach a byte only at offsets below
/// 32 (the compiler placed the phase last, at 160 on Cortex-M4).
#[repr(C)]
pub(super) struct Handle<'c> {
    /// [`MAGIC`], with [`LOCKING`] when a lock callback is set.
    magic: u32,
    phase: Cell<Phase>,
    /// `mqtt_rs_client_config.lock` (its userdata is the sink's).
    lock: mqtt_rs_lock_cb,
    sink: CallbackSink,
    /// MQTT 5.0: the enhanced authentication callback (`mqtt_rs_client_set_auth_callback`).
    #[cfg(feature = "mqtt5")]
    on_auth: Cell<Option<super::auth::AuthHook>>,
    inbox: UnsafeCell<Inbox<'c>>,
    session: UnsafeCell<Session<'c, Net>>,
}

// Caller storage fits on every target (sizes per pointer width in `types`): the client's
// may be larger than the handle, a slot's must be exact (C indexes the array).
const _: () = assert!(size_of::<Handle<'static>>() <= size_of::<mqtt_rs_client>() && align_of::<Handle<'static>>() <= align_of::<mqtt_rs_client>());
const _: () = assert!(size_of::<mqtt_rs_client>() == MQTT_RS_CLIENT_SIZE);
const _: () = assert!(size_of::<Slot<'static>>() == MQTT_RS_INFLIGHT_SLOT_SIZE && size_of::<mqtt_rs_inflight_slot>() == MQTT_RS_INFLIGHT_SLOT_SIZE);
const _: () = assert!(align_of::<Slot<'static>>() <= align_of::<mqtt_rs_inflight_slot>());

/// The application's optional lock around every call, with its argument.
#[derive(Clone, Copy)]
struct Lock {
    lock: mqtt_rs_lock_cb,
    userdata: *mut c_void,
}

impl Lock {
    fn call(&self, take: bool) {
        if let Some(f) = self.lock {
            // SAFETY: the application registered this callback for this userdata.
            unsafe { f(self.userdata, take) }
        }
    }
}

impl<'c> Handle<'c> {
    /// Writes into `at` a client over caller storage: transmit and receive buffers and
    /// slots, and the network callbacks of `config`, read here. The slots are marked free
    /// after the handle is written, so that no config value is kept on the stack across
    /// the slot loop; nothing reads them in between.
    ///
    /// # Safety
    /// `at` is aligned storage large enough for a handle that no call is using; every
    /// network callback of `config` is set.
    #[inline(always)]
    pub(super) unsafe fn init(at: *mut Self, config: &mqtt_rs_client_config, tx: &'c mut [u8], rx: &'c mut [u8], slots: &'c mut [Slot<'c>]) {
        // SAFETY: `at` may be overwritten whole and is then this call's alone (this
        // function's contract). Each field of the handle is written in place, the config's
        // callbacks last: read before the stores (which might alias the config, for all
        // the compiler knows), they were kept on the stack across them.
        unsafe {
            addr_of_mut!((*at).phase).write(Cell::new(Phase::Idle));
            #[cfg(feature = "mqtt5")]
            addr_of_mut!((*at).on_auth).write(Cell::new(None));
            addr_of_mut!((*at).inbox).write(UnsafeCell::new(Inbox::new(rx)));
            // The callbacks are set (this function's contract).
            addr_of_mut!((*at).session).write(UnsafeCell::new(Session::new(config.net.complete(), Engine::unmarked(tx, slots))));
            addr_of_mut!((*at).magic).write(MAGIC | if config.lock.is_some() { LOCKING } else { 0 });
            addr_of_mut!((*at).lock).write(config.lock);
            addr_of_mut!((*at).sink).write(CallbackSink { on_message: config.on_message, on_event: config.on_event, userdata: config.userdata });
            (*at).session.get_mut().engine_mut().free_slots();
        }
    }

    fn locker(&self) -> Lock {
        Lock { lock: self.lock, userdata: self.sink.userdata }
    }

    /// Runs `f` under the lock with the phase as it is; `f` may change it.
    /// The callback is read again to unlock (it never changes while the client is
    /// initialised) rather than kept across `f`: saved and restored, it cost more.
    fn locked<R>(&self, f: impl FnOnce(&Self) -> R) -> R {
        self.locker().call(true);
        let r = f(self);
        self.locker().call(false);
        r
    }

    /// True where [`queue`]'s phase rule lets a call take the session: no call under way,
    /// or `on_message`/`on_event` running.
    fn may_queue(&self) -> bool {
        matches!(self.phase.get(), Phase::Idle | Phase::Delivering)
    }

    /// Takes the session for the length of `f`, where [`may_queue`](Self::may_queue) holds.
    #[inline(always)]
    fn queue_now<R>(&self, f: impl FnOnce(&mut Session<'c, Net>) -> R) -> R {
        let was = self.phase.get();
        self.phase.set(Phase::Queueing);
        // SAFETY: Idle: no call is under way; Delivering: the driving call holds no borrow
        // of the session while the application handles an event (module documentation).
        // Queueing keeps calls nested in this one away from it.
        let r = f(unsafe { &mut *self.session.get() });
        self.phase.set(was);
        r
    }

    /// [`locked`](Self::locked), out of line on hosted targets: the calls that first try
    /// [`at_rest`] keep their usual path free of calls (queries then need no frame at all).
    #[cfg_attr(not(target_os = "none"), inline(never))]
    fn locked_apart<R>(&self, f: impl FnOnce(&Self) -> R) -> R {
        self.locked(f)
    }

    /// True while a call of this client is under way (init must not overwrite it).
    pub(super) fn is_busy(&self) -> bool {
        self.phase.get() != Phase::Idle
    }

    /// Runs a driving call on a client that no call is using: borrows the inbox for the
    /// whole call and lends the session step by step; `track` is told of events and the
    /// connection's end first. Inlined on hosted targets, where the usual path of [`drive`]
    /// has its own copy (bare metal: one copy, smaller).
    #[cfg_attr(not(target_os = "none"), inline(always))]
    fn drive_idle<R>(&self, track: Option<&mut dyn Track<'c, Net>>, f: impl FnOnce(&mut Drive<'_, '_, 'c>) -> R) -> R {
        self.phase.set(Phase::Driving);
        // SAFETY: the phase was Idle, so no other call holds the inbox; only this driving
        // call touches it until the phase is Idle again (see the module documentation).
        let inbox = unsafe { &mut *self.inbox.get() };
        // The supervisor's trait object bound shortened to the handle's borrow (a no-op).
        let mut lender = Lender { handle: self, track: track.map(|track| track as _) };
        // SAFETY: the phase (Driving, Delivering while the lender hands out an event) keeps
        // every other call away from the session but queue calls and queries made from
        // `on_message`/`on_event`, which run only inside the lender's calls.
        let r = f(&mut unsafe { Driver::new(inbox, &self.session, &mut lender) });
        self.phase.set(Phase::Idle);
        r
    }
}

/// The driver of the C calls: the one owner type they drive for is [`Lender`].
pub(super) type Drive<'d, 'h, 'c> = Driver<'d, 'c, Net, Lender<'h, 'c>>;

/// Lends the session to a driving call and hands its events to the application. One
/// reference to the handle, not one per field it reads: every poll builds it.
pub(super) struct Lender<'h, 'c> {
    handle: &'h Handle<'c>,
    /// The reconnect supervisor of a `mqtt_rs_reconnect_poll`, told of every event and of
    /// the connection's end before the application. Carried here rather than in an owner
    /// wrapped around this one, so that the driving loop, generic over its owner, has one
    /// copy in a firmware; a trait object, so that a firmware without reconnect links none
    /// of its code.
    track: Option<&'h mut dyn Track<'c, Net>>,
}

impl<'h, 'c> Lender<'h, 'c> {
    /// Runs application code that may call back into the client.
    pub(super) fn deliver(&mut self, f: impl FnOnce(&CallbackSink)) {
        self.handle.phase.set(Phase::Delivering);
        f(&self.handle.sink);
        self.handle.phase.set(Phase::Driving);
    }
    /// MQTT 5.0: the session, for a step of the owner's own (the answer to the broker's AUTH).
    #[cfg(feature = "mqtt5")]
    pub(super) fn session(&mut self) -> &mut Session<'c, Net> {
        self.tracked().0
    }

    /// The session, for a step of the owner's own, and the reconnect supervisor beside it.
    fn tracked(&mut self) -> (&mut Session<'c, Net>, Option<&mut (dyn Track<'c, Net> + 'h)>) {
        // SAFETY: the phase is Driving whenever this runs (set by `drive_idle`, restored by
        // `deliver`), so every call nested in a network callback is refused before it
        // touches the session: this is its only borrow. It is tied to `&mut self`, so it
        // has ended before `event` or `disconnected` lets the application in.
        (unsafe { &mut *self.handle.session.get() }, self.track.as_deref_mut())
    }
}

/// `event` out of line on hosted targets: the driving loop calls it directly (it is generic
/// over its owner), and inlined into it the calls cost instructions per publish (x86_64, as
/// CMake builds: +13 on a non-blocking QoS 0 publish, +18 on QoS 1, for 63 B less). The
/// 3.1.1 `disconnected` runs once per connection, from `Driver::shut`: left to the compiler
/// (inlined there) it is 34 B smaller on x86_64 for the same instructions per publish; the
/// MQTT 5.0 one keeps the hint (not measured: no hosted 5.0 row).
impl<'c> Owner<'c, Net> for Lender<'_, 'c> {
    #[cfg_attr(not(target_os = "none"), inline(never))]
    fn event(&mut self, event: &Event<'_>) {
        if let (session, Some(track)) = self.tracked() {
            track.event(event, session);
        }
        // The broker's AUTH goes to `on_auth`, whose verdict goes back to the engine.
        #[cfg(feature = "mqtt5")]
        if let Event::Auth { reason, properties } = *event {
            match self.handle.on_auth.get() {
                Some(hook) => (hook.respond)(self, hook.on_auth, reason, &properties),
                None => super::auth::refuse(self.session(), reason),
            }
            return;
        }
        self.deliver(|sink| sink.event(event));
    }

    #[cfg(not(feature = "mqtt5"))]
    fn disconnected(&mut self, reason: Result<(), Error>) {
        if let Some(track) = self.track.as_deref_mut() {
            track.ended(reason);
        }
        self.deliver(|sink| sink.disconnected(reason));
    }

    #[cfg(feature = "mqtt5")]
    #[cfg_attr(not(target_os = "none"), inline(never))]
    fn disconnected_v5(&mut self, reason: Result<(), Error>, properties: &crate::codec::v5::Properties<'_>) {
        if let Some(track) = self.track.as_deref_mut() {
            track.ended(reason, properties);
        }
        self.deliver(|sink| sink.disconnected_v5(reason, properties));
    }
}

/// The initialised client behind `client`, as a shared reference.
///
/// # Safety
/// `client` is NULL or points to `mqtt_rs_client` storage (initialised or not) that stays
/// valid during `'h`.
pub(super) unsafe fn handle<'h, 'c>(client: *const mqtt_rs_client) -> Result<&'h Handle<'c>, mqtt_rs_result> {
    let p = client.cast::<Handle<'c>>();
    if p.is_null() {
        return Err(MQTT_RS_NULL_ARGUMENT);
    }
    // SAFETY: non-NULL and pointing to client storage, which is large and aligned enough
    // for a handle (asserted above); only the magic word is read, so uninitialised
    // storage is never taken for a handle.
    if unsafe { addr_of!((*p).magic).read() } & !LOCKING != MAGIC {
        return Err(MQTT_RS_WRONG_STATE);
    }
    // SAFETY: initialised storage holds a handle; only shared references are ever made to
    // it while it is initialised, and all it changes is in cells.
    Ok(unsafe { &*p })
}

/// The handle behind `client` when it is initialised without a lock callback and in a
/// phase that a driving call (`queue` false) or a queue call (`queue` true) may start in;
/// `None` for anything else, which the full checks of [`handle`], the lock and the phase
/// rules then sort out in their order. Hosted targets only (bare metal: always `None`).
///
/// # Safety
/// As [`handle`].
#[inline(always)]
unsafe fn at_rest<'h, 'c>(client: *const mqtt_rs_client, queue: bool) -> Option<&'h Handle<'c>> {
    let p = client.cast::<Handle<'c>>();
    // SAFETY: as in `handle`: client storage, of which only the magic word is read before
    // it is known to hold a handle.
    if cfg!(target_os = "none") || p.is_null() || unsafe { addr_of!((*p).magic).read() } != MAGIC {
        return None;
    }
    // SAFETY: initialised storage holds a handle (as in `handle`).
    let h = unsafe { &*p };
    let free = if queue { h.may_queue() } else { h.phase.get() == Phase::Idle };
    free.then_some(h)
}

/// A driving call: connects, drives I/O, runs callbacks. Refused with
/// `MQTT_RS_CALLED_FROM_CALLBACK` while another call of the client is under way (from a
/// callback, or from another task without the lock).
///
/// The body of [`drive_tracked`] without a supervisor, not a call of it: through that call,
/// x86_64 (LTO) kept a second copy of every C call's closure (+826 B).
///
/// # Safety
/// As [`handle`], for the whole call.
pub(super) unsafe fn drive<R>(
    client: *mut mqtt_rs_client,
    f: impl for<'c> FnOnce(&mut Drive<'_, '_, 'c>) -> Result<R, mqtt_rs_result>,
) -> Result<R, mqtt_rs_result> {
    // SAFETY: as this function's caller guarantees.
    if let Some(h) = unsafe { at_rest(client, false) } {
        return h.drive_idle(None, f);
    }
    // SAFETY: as this function's caller guarantees.
    let h = unsafe { handle(client) }?;
    h.locked_apart(|h| match h.phase.get() {
        Phase::Idle => h.drive_idle(None, f),
        _ => Err(MQTT_RS_CALLED_FROM_CALLBACK),
    })
}

/// [`drive`] whose events and connection end are told to `track` (a reconnect supervisor)
/// before the application.
///
/// # Safety
/// As [`handle`], for the whole call.
pub(super) unsafe fn drive_tracked<'c, R>(
    client: *mut mqtt_rs_client,
    track: Option<&mut dyn Track<'c, Net>>,
    f: impl FnOnce(&mut Drive<'_, '_, 'c>) -> Result<R, mqtt_rs_result>,
) -> Result<R, mqtt_rs_result> {
    // SAFETY: as this function's caller guarantees.
    if let Some(h) = unsafe { at_rest(client, false) } {
        return h.drive_idle(track, f);
    }
    // SAFETY: as this function's caller guarantees.
    let h = unsafe { handle(client) }?;
    h.locked_apart(|h| match h.phase.get() {
        Phase::Idle => h.drive_idle(track, f),
        _ => Err(MQTT_RS_CALLED_FROM_CALLBACK),
    })
}

/// A blocking call of the C API: a driving call as [`drive`] makes it (the same checks in
/// the same order), behind one out-of-line function for all of them, so that the handle
/// check, the lock and the phase are compiled once, not once per C function; `f` does the
/// call's own checks and work.
///
/// # Safety
/// As [`handle`], for the whole call.
#[inline(never)]
pub(super) unsafe fn block(client: *mut mqtt_rs_client, f: &mut dyn for<'c> FnMut(&mut Drive<'_, '_, 'c>) -> mqtt_rs_result) -> mqtt_rs_result {
    // The full checks on every target, without the usual path of `drive` (`at_rest`), which
    // bare metal does not take anyway: a blocking call waits on the network, and that path
    // saved it 15 instructions for a second copy of the call's set-up beside
    // `locked_apart` (x86_64: 100 B).
    // SAFETY: as this function's caller guarantees.
    let h = match unsafe { handle(client) } {
        Ok(h) => h,
        Err(e) => return e,
    };
    h.locked(|h| match h.phase.get() {
        Phase::Idle => h.drive_idle(None, f),
        _ => MQTT_RS_CALLED_FROM_CALLBACK,
    })
}

/// A queue call: takes the session for its length. Allowed when no call is under way and
/// from inside `on_message`/`on_event`; refused (`MQTT_RS_CALLED_FROM_CALLBACK`) from
/// inside network callbacks and from inside another queue call.
///
/// # Safety
/// As [`handle`], for the whole call.
pub(super) unsafe fn queue<R>(
    client: *const mqtt_rs_client,
    f: impl for<'c> FnOnce(&mut Session<'c, Net>) -> Result<R, mqtt_rs_result>,
) -> Result<R, mqtt_rs_result> {
    // The usual case and the rest meet before `f`, which is compiled once.
    // SAFETY: as this function's caller guarantees.
    let h = match unsafe { at_rest(client, true) } {
        Some(h) => h,
        None => {
            // SAFETY: as this function's caller guarantees.
            let h = unsafe { handle(client) }?;
            h.locker().call(true);
            if !h.may_queue() {
                h.locker().call(false);
                return Err(MQTT_RS_CALLED_FROM_CALLBACK);
            }
            h
        }
    };
    let r = h.queue_now(f);
    h.locker().call(false);
    r
}

/// Sets the enhanced authentication callback of `client` (any time: it is read when the
/// broker's AUTH arrives).
///
/// # Safety
/// As [`handle`], for the whole call.
#[cfg(feature = "mqtt5")]
pub(super) unsafe fn set_auth_callback(client: *const mqtt_rs_client, on_auth: Option<super::auth::AuthHook>) -> Result<(), mqtt_rs_result> {
    // SAFETY: as this function's caller guarantees.
    let h = unsafe { handle(client) }?;
    h.locked(|h| h.on_auth.set(on_auth));
    Ok(())
}

/// A query: reads the session under the rules of [`queue`]; `None` for NULL or
/// uninitialised storage and where a queue call would be refused.
///
/// # Safety
/// As [`handle`], for the whole call.
pub(super) unsafe fn query<R>(client: *const mqtt_rs_client, f: impl for<'c> FnOnce(&Session<'c, Net>) -> R) -> Option<R> {
    // SAFETY: as this function's caller guarantees.
    if let Some(h) = unsafe { at_rest(client, true) } {
        return Some(h.queue_now(|session| f(session)));
    }
    // SAFETY: as this function's caller guarantees.
    let h = unsafe { handle(client) }.ok()?;
    h.locked_apart(|h| h.may_queue().then(|| h.queue_now(|session| f(session))))
}

/// Closes the connection if open and releases what the client holds beyond its storage;
/// nothing for NULL or uninitialised storage, nor while a call of the client is under way.
///
/// # Safety
/// `client` is NULL or points to `mqtt_rs_client` storage that stays valid during the
/// call and that no other thread uses without the lock.
pub(super) unsafe fn release(client: *mut mqtt_rs_client) {
    // SAFETY: as this function's caller guarantees.
    let Ok(h) = (unsafe { handle(client) }) else {
        return;
    };
    // Not through `locked`: the storage is written below, while no reference to it may be
    // held by a function still running.
    let lock = h.locker();
    lock.call(true);
    if !h.is_busy() {
        h.drive_idle(None, |d| d.abort());
        let p = client.cast::<Handle<'_>>();
        // SAFETY: no call is under way (Idle), so no reference into the handle is in use
        // but `h`, which is not used again: the storage may be written. Clearing the magic
        // makes it uninitialised; the session (the TLS state on the heap) is dropped once,
        // and the next init rewrites the whole handle.
        unsafe {
            core::ptr::addr_of_mut!((*p).magic).write(0);
            core::ptr::drop_in_place(core::ptr::addr_of_mut!((*p).session));
        }
    }
    lock.call(false);
}
