//! The in-flight window: QoS 1/2 flows in both directions and pending SUBSCRIBE and
//! UNSUBSCRIBE requests, each in one slot of caller-owned storage.

use crate::codec::QoS;

/// Where the flow held by a slot stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Unused.
    Free,
    /// Outgoing QoS 1 PUBLISH waiting for PUBACK.
    AwaitPuback,
    /// Outgoing QoS 2 PUBLISH waiting for PUBREC.
    AwaitPubrec,
    /// Outgoing QoS 2 flow: PUBREL waiting for PUBCOMP.
    AwaitPubcomp,
    /// SUBSCRIBE waiting for SUBACK; `count` filters.
    AwaitSuback,
    /// UNSUBSCRIBE waiting for UNSUBACK.
    AwaitUnsuback,
    /// Incoming QoS 2 message delivered; its id is held until PUBREL.
    AwaitPubrel,
    /// Outgoing flow dropped (clean session or lost request); reported, then freed.
    Discarded,
}

/// One in-flight flow. Topic and payload borrow the caller's memory until completion.
#[derive(Clone, Copy, Debug)]
pub struct Slot<'b> {
    /// Progress of the flow.
    pub stage: Stage,
    /// The stage before `Discarded`, to tell what was dropped.
    pub was: Stage,
    /// Its packet bytes are not in the outbox yet (new, or to resend after reconnect).
    pub unsent: bool,
    /// The PUBLISH went out once already: a resend carries DUP.
    pub sent_once: bool,
    /// Retain flag of the PUBLISH.
    pub retain: bool,
    /// Packet identifier.
    pub packet_id: u16,
    /// Filter count of a SUBSCRIBE, to check the SUBACK.
    pub count: u16,
    /// Order of creation, so resends keep the original order.
    pub seq: u32,
    /// Topic of an outgoing PUBLISH.
    pub topic: &'b str,
    /// Payload of an outgoing PUBLISH.
    pub payload: &'b [u8],
    /// MQTT 5.0 properties of an outgoing PUBLISH, in the caller's memory. Set only after
    /// `v5::with_properties`, which links the encoder that writes them.
    #[cfg(feature = "mqtt5")]
    pub properties: Option<&'b dyn crate::codec::v5::PropertySource>,
    /// Fills the slot to 24 B on 16-bit targets (21 B on AVR, 22 B on MSP430 without it):
    /// the caller's storage is whole 8-byte words and C indexes the array with its size.
    #[cfg(target_pointer_width = "16")]
    _pad: [u8; PAD],
}

/// Padding of a 16-bit slot (see `_pad`).
#[cfg(all(target_pointer_width = "16", not(feature = "mqtt5")))]
const PAD: usize = 3;
/// Padding of a 16-bit slot with the properties pointer (4 B) to 32 B.
#[cfg(all(target_pointer_width = "16", feature = "mqtt5"))]
const PAD: usize = 7;

impl Slot<'_> {
    /// An unused slot.
    pub const FREE: Slot<'static> = Slot {
        stage: Stage::Free,
        was: Stage::Free,
        unsent: false,
        sent_once: false,
        retain: false,
        packet_id: 0,
        count: 0,
        seq: 0,
        topic: "",
        payload: &[],
        #[cfg(feature = "mqtt5")]
        properties: None,
        #[cfg(target_pointer_width = "16")]
        _pad: [0; PAD],
    };

    /// A QoS 0 PUBLISH in slot form (stage `Free`), for the 3.1.1 encoder call that the
    /// pump makes with its slot.
    #[cfg(not(feature = "mqtt5"))]
    #[inline(always)]
    pub(crate) fn qos0<'b>(topic: &'b str, payload: &'b [u8], retain: bool) -> Slot<'b> {
        Slot { topic, payload, retain, ..Slot::FREE }
    }

    /// Frees the slot. Only the stage is reset: every other field is read only in a stage
    /// whose start wrote it (a claim and its caller, `hold_incoming`, `restore`), and a
    /// store is smaller than a copy of `FREE`.
    pub fn free(&mut self) {
        self.stage = Stage::Free;
    }

    /// True for a PUBLISH, PUBREL, SUBSCRIBE or UNSUBSCRIBE of ours still under way.
    pub fn is_outgoing(&self) -> bool {
        !matches!(self.stage, Stage::Free | Stage::AwaitPubrel | Stage::Discarded)
    }

    /// True for an outgoing PUBLISH flow (what counts against the window).
    pub fn is_publish(&self) -> bool {
        matches!(self.stage, Stage::AwaitPuback | Stage::AwaitPubrec | Stage::AwaitPubcomp)
    }

    /// QoS of an outgoing PUBLISH.
    pub fn qos(&self) -> QoS {
        if self.stage == Stage::AwaitPuback {
            QoS::AtLeastOnce
        } else {
            QoS::ExactlyOnce
        }
    }
}

/// The slots and the packet-id counter.
pub struct Window<'b> {
    slots: &'b mut [Slot<'b>],
    next_id: u16,
    next_seq: u32,
    /// False only when no slot is unsent: spares the hot path a scan of every slot.
    maybe_unsent: bool,
    /// False only when no slot is discarded.
    maybe_discarded: bool,
    /// Slots in a PUBLISH stage, kept as they change (claim, complete, discard) so that
    /// checking the window on every publish does not scan the slots (at most
    /// `max_inflight`, a u16, as publishing stops there).
    publishes: u16,
    /// The id counter went past 65535 at least once. Until then every id it hands out is
    /// new, so claiming one needs no scan of the slots; afterwards each id is checked.
    ids_wrapped: bool,
    /// Index of a slot claimed while no other slot was unsent ([`NO_SLOT`]: none or not
    /// known): while it is set, that slot is the only one that can be unsent, so the
    /// publish path finds it without scanning the slots for the oldest.
    sole_unsent: u16,
}

/// [`Window::sole_unsent`] when no single unsent slot is known.
const NO_SLOT: u16 = u16::MAX;

/// Whether the window keeps [`Window::sole_unsent`]: hosted targets do (instructions per
/// publish); bare metal always scans for the oldest unsent slot (smaller).
const SOLE_UNSENT: bool = cfg!(not(target_os = "none"));

impl<'b> Window<'b> {
    /// Takes the caller's slot storage, not yet marked free: [`free_all`](Self::free_all)
    /// must mark the slots before any other use (the C init call writes its handle first,
    /// then marks them).
    pub(crate) fn unmarked(slots: &'b mut [Slot<'b>]) -> Self {
        Window { slots, next_id: 0, next_seq: 0, maybe_unsent: false, maybe_discarded: false, publishes: 0, ids_wrapped: false, sole_unsent: NO_SLOT }
    }

    /// Number of slots.
    pub fn capacity(&self) -> usize {
        self.slots.len()
    }

    /// Outgoing PUBLISH flows under way.
    pub fn publishes(&self) -> usize {
        usize::from(self.publishes)
    }

    /// Outgoing PUBLISH flows whose PUBLISH went out on this connection (MQTT 5.0
    /// Receive Maximum counts them until their last acknowledgement).
    #[cfg(feature = "mqtt5")]
    pub fn sent_publishes(&self) -> usize {
        self.slots.iter().filter(|s| s.is_publish() && (!s.unsent || s.stage == Stage::AwaitPubcomp)).count()
    }

    /// Claims a free slot with a fresh packet id for an outgoing flow; a PUBLISH flow's
    /// caller counts it with [`claimed_publish`](Self::claimed_publish).
    pub fn claim(&mut self, stage: Stage) -> Option<&mut Slot<'b>> {
        let id = self.fresh_id()?;
        let seq = self.next_seq;
        self.next_seq = self.next_seq.wrapping_add(1);
        // The free slot itself with its index: no second lookup of the slot by its index
        // (Cortex-M4: 2 B smaller, MQTT 5.0 6 B).
        let (at, slot) = self.slots.iter_mut().enumerate().find(|(_, s)| s.stage == Stage::Free)?;
        if SOLE_UNSENT {
            self.sole_unsent = if self.maybe_unsent { NO_SLOT } else { u16::try_from(at).unwrap_or(NO_SLOT) };
        }
        self.maybe_unsent = true;
        // What every outgoing flow reads; the caller sets the rest its flow reads
        // (`claim_publish` topic, payload, retain and properties, `request` the count).
        slot.stage = stage;
        slot.packet_id = id;
        slot.seq = seq;
        slot.unsent = true;
        slot.sent_once = false;
        Some(slot)
    }

    /// Counts the PUBLISH flow whose slot [`claim`](Self::claim) just returned (the publish
    /// call knows its stage; `claim` would have tested it).
    pub fn claimed_publish(&mut self) {
        // Below `max_inflight` before this claim (a u16), so the sum cannot wrap.
        self.publishes = self.publishes.wrapping_add(1);
    }

    /// Looks for incoming QoS 2 id `packet_id` among the held ones: `Some(true)` when it is
    /// held already (a resend). Else, with `hold`, holds it until its PUBREL in the first
    /// free slot: `Some(false)`, or `None` when no slot is free (without `hold`:
    /// `Some(false)`). One scan looks for the id and the free slot, where a search for
    /// each was larger; inlined (out of line it cost more than the search it replaces).
    #[inline(always)]
    pub fn hold_incoming(&mut self, packet_id: u16, hold: bool) -> Option<bool> {
        let mut free = None;
        for slot in self.slots.iter_mut() {
            if slot.stage == Stage::AwaitPubrel && slot.packet_id == packet_id {
                return Some(true);
            }
            if slot.stage == Stage::Free && free.is_none() {
                free = Some(slot);
            }
        }
        if hold {
            let slot = free?;
            // Stage and id only: nothing else of a held incoming id's slot is read.
            slot.stage = Stage::AwaitPubrel;
            slot.packet_id = packet_id;
        }
        Some(false)
    }

    /// True while the id of incoming QoS 2 message `packet_id` is held.
    pub fn holds_incoming(&self, packet_id: u16) -> bool {
        self.slots.iter().any(|s| s.stage == Stage::AwaitPubrel && s.packet_id == packet_id)
    }

    /// Frees every held incoming id, handing each to `each` first.
    pub fn forget_incoming(&mut self, each: &mut dyn FnMut(u16)) {
        for slot in self.slots.iter_mut().filter(|s| s.stage == Stage::AwaitPubrel) {
            each(slot.packet_id);
            slot.free();
        }
    }

    /// Tries at most one id more than there are slots. Counted down by hand: the range
    /// `0..=len` carried its exhausted flag through the loop (Cortex-M4: larger).
    fn fresh_id(&mut self) -> Option<u16> {
        let mut tries = self.slots.len();
        loop {
            let id = match self.next_id.checked_add(1) {
                Some(id) => id,
                // After 65,535 comes 1 (0 is no packet id).
                None => {
                    self.ids_wrapped = true;
                    1
                }
            };
            self.next_id = id;
            // Bare-metal 3.1.1 builds look through `find_outgoing`'s out-of-line scan
            // (Cortex-M4: 14 B smaller); the others keep a scan here (MQTT 5.0 bare metal:
            // 6 B smaller).
            #[cfg(all(target_os = "none", not(feature = "mqtt5")))]
            let fresh = !self.ids_wrapped || self.find_outgoing(id).is_none();
            #[cfg(not(all(target_os = "none", not(feature = "mqtt5"))))]
            let fresh = !self.ids_wrapped || !self.slots.iter().any(|s| s.is_outgoing() && s.packet_id == id);
            if fresh {
                return Some(id);
            }
            tries = tries.checked_sub(1)?;
        }
    }

    /// The slot of outgoing flow `packet_id` in `stage`.
    #[inline(always)]
    pub fn find(&mut self, stage: Stage, packet_id: u16) -> Option<&mut Slot<'b>> {
        self.find_in(stage, 0, packet_id)
    }

    /// The slot with `packet_id` whose stage is one of the `span + 1` stages from `first`:
    /// the one scan behind [`find`](Self::find) (one stage) and
    /// [`find_outgoing`](Self::find_outgoing) (the five outgoing stages), a range test of
    /// the stage instead of a scan of each. Never inlined: each packet handler kept its own
    /// copy of the scan.
    #[inline(never)]
    fn find_in(&mut self, first: Stage, span: u8, packet_id: u16) -> Option<&mut Slot<'b>> {
        self.slots.iter_mut().find(|s| (s.stage as u8).wrapping_sub(first as u8) <= span && s.packet_id == packet_id)
    }

    /// The slot of the outgoing flow with `packet_id`, at whatever step (no two outgoing
    /// flows share an id): PUBREC's handler looks once, where a [`find`](Self::find) per
    /// QoS 2 stage and then [`holds_outgoing`](Self::holds_outgoing) were larger; PUBACK's
    /// and PUBCOMP's through [`complete`](Self::complete). Bare-metal 3.1.1 builds, where
    /// both handlers are in the driving loop (inlined there, each kept a copy of the scan),
    /// scan through [`find_in`](Self::find_in) with `find`, the outgoing stages being one
    /// range (Cortex-M4: 8 B smaller than an out-of-line scan of its own); the others inline
    /// a scan of their own (hosted: no call per QoS 1/2 publish; MQTT 5.0 bare metal: 34 B
    /// smaller than through `find_in`).
    #[inline(always)]
    pub fn find_outgoing(&mut self, packet_id: u16) -> Option<&mut Slot<'b>> {
        #[cfg(all(target_os = "none", not(feature = "mqtt5")))]
        {
            const _: () = assert!(Stage::AwaitUnsuback as u8 - Stage::AwaitPuback as u8 == 4);
            self.find_in(Stage::AwaitPuback, 4, packet_id)
        }
        #[cfg(not(all(target_os = "none", not(feature = "mqtt5"))))]
        self.slots.iter_mut().find(|s| s.is_outgoing() && s.packet_id == packet_id)
    }

    /// Frees the slot of outgoing PUBLISH flow `packet_id` in `stage` (its last
    /// acknowledgement arrived): `Some(true)`; `Some(false)` when the id's outgoing flow is
    /// at another step, `None` when no outgoing flow has the id. One scan tells the three
    /// apart (no two outgoing flows share an id), where a second scan for the id (an
    /// unknown acknowledgement) was larger. Always inlined: hosted builds kept it out of
    /// line, a call per QoS 1/2 publish.
    #[inline(always)]
    pub fn complete(&mut self, stage: Stage, packet_id: u16) -> Option<bool> {
        let slot = self.find_outgoing(packet_id)?;
        if slot.stage != stage {
            return Some(false);
        }
        slot.free();
        self.publishes = self.publishes.saturating_sub(1);
        Some(true)
    }

    /// True when an outgoing flow (PUBLISH, PUBREL, SUBSCRIBE, UNSUBSCRIBE) has `packet_id`.
    pub fn holds_outgoing(&self, packet_id: u16) -> bool {
        self.slots.iter().any(|s| s.is_outgoing() && s.packet_id == packet_id)
    }

    /// True when some slot may still have to be queued.
    pub fn has_unsent(&self) -> bool {
        self.maybe_unsent
    }

    /// The oldest slot whose packet still has to be queued.
    pub fn oldest_unsent(&mut self) -> Option<&mut Slot<'b>> {
        if !self.maybe_unsent {
            return None;
        }
        if SOLE_UNSENT && self.sole_unsent != NO_SLOT {
            // Looked up once, checked and returned.
            if let Some(slot) = self.slots.get_mut(usize::from(self.sole_unsent)).filter(|s| s.unsent && s.is_outgoing()) {
                return Some(slot);
            }
            // The only slot that could be unsent no longer is: none is.
            self.sole_unsent = NO_SLOT;
            self.maybe_unsent = false;
            return None;
        }
        // One pass keeping the first slot of least age (`min_by_key` after `filter` was
        // built as a search for the first and a second loop over the rest: larger), the
        // slot itself rather than its index, which took a second lookup.
        let base = self.next_seq;
        let mut oldest: Option<(&mut Slot<'b>, u32)> = None;
        for s in self.slots.iter_mut() {
            let age = s.seq.wrapping_sub(base);
            if s.unsent && s.is_outgoing() && !matches!(oldest, Some((_, least)) if least <= age) {
                oldest = Some((s, age));
            }
        }
        if oldest.is_none() {
            self.maybe_unsent = false;
        }
        Some(oldest?.0)
    }

    /// Records that the slot [`oldest_unsent`](Self::oldest_unsent) returned was queued:
    /// when it was the only unsent slot none is left, so the next call needs no look.
    pub fn queued(&mut self) {
        if SOLE_UNSENT && self.sole_unsent != NO_SLOT {
            self.sole_unsent = NO_SLOT;
            self.maybe_unsent = false;
        }
    }

    /// True when some slot may hold a dropped flow not yet reported.
    pub fn has_discarded(&self) -> bool {
        self.maybe_discarded
    }

    /// A dropped flow waiting to be reported; the caller frees it after reporting.
    pub fn discarded(&mut self) -> Option<&mut Slot<'b>> {
        if !self.maybe_discarded {
            return None;
        }
        // MQTT 5.0: the slot itself, not its index and a second lookup (Cortex-M4: 74 B
        // smaller in the 5.0 build's driving loop; 46 B larger in the 3.1.1 one).
        #[cfg(feature = "mqtt5")]
        {
            let slot = self.slots.iter_mut().find(|s| s.stage == Stage::Discarded);
            if slot.is_none() {
                self.maybe_discarded = false;
            }
            slot
        }
        #[cfg(not(feature = "mqtt5"))]
        {
            let at = self.slots.iter().position(|s| s.stage == Stage::Discarded);
            if at.is_none() {
                self.maybe_discarded = false;
            }
            self.slots.get_mut(at?)
        }
    }

    /// The connection is gone: PUBLISH and PUBREL wait for a resend, requests are dropped.
    pub fn connection_lost(&mut self) {
        self.maybe_unsent = true;
        self.sole_unsent = NO_SLOT;
        self.maybe_discarded = true;
        for slot in self.slots.iter_mut() {
            match slot.stage {
                Stage::AwaitSuback | Stage::AwaitUnsuback => discard(slot),
                _ if slot.is_publish() => slot.unsent = true,
                _ => {}
            }
        }
    }

    /// The outgoing PUBLISH flow with `packet_id`, if one is under way.
    pub fn publish_flow(&self, packet_id: u16) -> Option<&Slot<'b>> {
        self.slots.iter().find(|s| s.is_publish() && s.packet_id == packet_id)
    }

    /// Puts back an outgoing PUBLISH flow of an earlier run (from the application's
    /// store) with its place in the order, `seq`: resent on the next connection, the
    /// PUBLISH with DUP (or PUBREL in [`Stage::AwaitPubcomp`]); later flows are numbered
    /// after it, so the order carries over from run to run. `None` when no slot is free or
    /// the id is taken. Fresh ids are checked against it from now on.
    pub fn restore(&mut self, stage: Stage, packet_id: u16, seq: u32) -> Option<&mut Slot<'b>> {
        if packet_id == 0 || self.holds_outgoing(packet_id) {
            return None;
        }
        let at = self.slots.iter().position(|s| s.stage == Stage::Free)?;
        if self.publishes == 0 || seq.wrapping_sub(self.next_seq) < 1 << 31 {
            self.next_seq = seq.wrapping_add(1);
        }
        self.ids_wrapped = true;
        self.maybe_unsent = true;
        self.sole_unsent = NO_SLOT;
        self.publishes = self.publishes.saturating_add(1);
        let slot = self.slots.get_mut(at)?;
        *slot = Slot { stage, packet_id, seq, unsent: true, sent_once: true, ..Slot::FREE };
        Some(slot)
    }

    /// Marks every slot free, writing every field (the C caller's slot memory may be
    /// uninitialised). Field by field rather than a copy of [`Slot::FREE`] (32 B of rodata
    /// and a copy loop on Cortex-M4), in this order: a non-zero store (the empty topic's and
    /// payload's pointers) between the runs of zero stores keeps each run small enough to be
    /// stored inline, where one long run became a call to `__aeabi_memclr`, which pulls the C
    /// library's `__aeabi_memset` into a firmware whose C code calls only `memset`.
    ///
    /// The pattern names every field, so that a field added to [`Slot`] fails to compile
    /// here until it is written too.
    pub(crate) fn free_all(&mut self) {
        for slot in self.slots.iter_mut() {
            let Slot {
                stage,
                was,
                unsent,
                sent_once,
                retain,
                packet_id,
                count,
                seq,
                topic,
                payload,
                #[cfg(feature = "mqtt5")]
                properties,
                #[cfg(target_pointer_width = "16")]
                _pad,
            } = slot;
            *stage = Stage::Free;
            *was = Stage::Free;
            *unsent = false;
            *sent_once = false;
            *retain = false;
            *topic = "";
            *packet_id = 0;
            *count = 0;
            *seq = 0;
            #[cfg(feature = "mqtt5")]
            {
                *properties = None;
            }
            #[cfg(target_pointer_width = "16")]
            {
                *_pad = [0; PAD];
            }
            *payload = &[];
        }
    }

    /// A clean session starts: every flow of the old session is dropped.
    pub fn clear_session(&mut self) {
        self.maybe_discarded = true;
        for slot in self.slots.iter_mut() {
            match slot.stage {
                Stage::AwaitPubrel => slot.free(),
                _ if slot.is_outgoing() => discard(slot),
                _ => {}
            }
        }
        // Every PUBLISH flow was discarded: none is left to count.
        self.publishes = 0;
    }
}

fn discard(slot: &mut Slot<'_>) {
    slot.was = slot.stage;
    slot.stage = Stage::Discarded;
    slot.unsent = false;
}
