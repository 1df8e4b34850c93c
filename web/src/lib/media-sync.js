// Commerce moments in step with the video. The viewer sees the host on a delay; an event that
// arrives over the socket (a pin, an announcement, "the link is live") is shown when the video
// reaches the frame it belongs to, not when the socket delivers it.
//
// The node's stream carries the room's media clock inside the H.264 frames (SEI messages under
// Shardcast's UUID): every keyframe says where it sits on the room's clock ({"t", "type":"clock"}),
// and each commerce moment rides on the frame the host said it on ({"t", "seq", "type", ...}). The
// player reports each message with its presentation time on the video element's timeline, which
// gives the offset between the two clocks; each frame the video presents then says how far the
// viewer's picture has got on the room's clock. Socket events carry mediaTs (the room's clock at
// the event) and wait until the picture gets there.

export const SHARDCAST_SEI_UUID = '5ca71e5a3d4b4c9e8f216d17c05ea811';
/** The video counts as playing while its last frame was presented this recently (ms). */
const PLAYING_WITHIN_MS = 1000;
/** No event waits longer than this for its frame, whatever the video does (ms). */
const MAX_WAIT_MS = 5000;
/** An event this far ahead of the picture does not belong to it (another stream, a clock jump): shown at once. */
const MAX_AHEAD_MS = 10000;

function hex(bytes) {
  return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
}

/** The message of one SEI the player reported, or null when it is not Shardcast's. */
export function readSei(sei) {
  if (!sei?.uuid || !sei.user_data || hex(sei.uuid) !== SHARDCAST_SEI_UUID) {
    return null;
  }
  try {
    const msg = JSON.parse(new TextDecoder().decode(sei.user_data));
    return typeof msg?.t === 'number' ? msg : null;
  } catch {
    return null;
  }
}

export class MediaSync {
  constructor() {
    /** Room media time minus video time (ms), once a message has said it. */
    this.base = null;
    /** Room media time of the newest frame the video presented, and when (performance.now()). */
    this.presentedTs = -1;
    this.presentedAt = -Infinity;
    /** In-stream cues not yet presented: { videoMs, msg }. */
    this.pending = [];
    /** Seqs of cues whose frame has been presented, with when (performance.now()). */
    this.shownSeq = new Map();
    /** Sales whose opening cue has been presented. */
    this.shownSales = new Set();
    /** Socket events waiting for their frame: { e, since }. */
    this.held = [];
  }

  /** A new player starts: its video timeline starts again, so the offset is learnt anew. */
  reset() {
    this.base = null;
    this.pending = [];
  }

  /** An SEI message the player reported, at videoMs on the video's timeline. */
  message(msg, videoMs) {
    this.base = msg.t - videoMs;
    if (msg.type !== 'clock' && typeof msg.seq === 'number') {
      this.pending.push({ videoMs, msg });
    }
  }

  /** The video presented a frame at videoSec on its timeline, at perfNow. Returns the cues it carried. */
  presented(videoSec, perfNow) {
    const videoMs = videoSec * 1000;
    if (this.base !== null) {
      this.presentedTs = videoMs + this.base;
      this.presentedAt = perfNow;
    }
    const shown = [];
    // A cue sits on a frame; half a frame's tolerance for rounding of the two timelines.
    this.pending = this.pending.filter(p => {
      if (p.videoMs <= videoMs + 5) {
        this.shownSeq.set(p.msg.seq, perfNow);
        if (p.msg.type === 'saleOpen' && p.msg.saleId) {
          this.shownSales.add(p.msg.saleId);
        }
        shown.push(p.msg);
        return false;
      }
      return true;
    });
    if (this.shownSeq.size > 200) {
      this.shownSeq.delete(this.shownSeq.keys().next().value);
    }
    return shown;
  }

  /** Whether the picture follows the room's clock now (a frame presented lately, the offset known). */
  active(perfNow) {
    return this.base !== null && perfNow - this.presentedAt <= PLAYING_WITHIN_MS;
  }

  /** Whether the picture has reached mediaTs on the room's clock. */
  reached(mediaTs) {
    return this.presentedTs >= mediaTs;
  }

  /** Whether the cue of event seq has been presented. */
  cueShown(seq) {
    return this.shownSeq.has(seq);
  }

  /** Whether the frame a sale opened on has been presented. */
  saleShown(saleId) {
    return this.shownSales.has(saleId);
  }

  /** True when event e must wait for its frame (it is then kept, and returned by due()). */
  hold(e, perfNow) {
    if (typeof e.mediaTs !== 'number' || !this.active(perfNow) || this.shown(e)) {
      return false;
    }
    if (e.mediaTs - this.presentedTs > MAX_AHEAD_MS) {
      return false;
    }
    this.held.push({ e, since: perfNow });
    return true;
  }

  shown(e) {
    return this.reached(e.mediaTs) || this.cueShown(e.seq);
  }

  /** The held events whose frame has come (or that waited long enough, or whose video stopped). */
  due(perfNow) {
    if (this.held.length === 0) {
      return [];
    }
    const playing = this.active(perfNow);
    const out = [];
    this.held = this.held.filter(h => {
      if (!playing || this.shown(h.e) || perfNow - h.since >= MAX_WAIT_MS) {
        out.push(h.e);
        return false;
      }
      return true;
    });
    return out;
  }
}
