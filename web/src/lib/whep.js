// The room's video over WebRTC (WHEP, RFC 9725): sub-second, from the node the viewer watches on.
// The page prefers it and falls back to WebSocket-FLV (player.js) when the browser has no WebRTC,
// the node refuses the offer (a stream this browser cannot decode, WebRTC off), ICE does not
// connect, or no frame is decoded in time: a viewer always gets a picture, never a black screen.
//
// Commerce cues ride in the H.264 as SEI messages (media-sync.js). Over WebRTC the browser hands
// the page decoded frames only, so where Chromium offers encoded frames (insertable streams) the
// page reads the SEI messages from them, keyed by the frame's RTP timestamp, which
// requestVideoFrameCallback reports again when that frame is presented.

import { readSei } from './media-sync.js';

/** No frame decoded this long after the offer: give up on WebRTC (ms). */
export const FIRST_FRAME_WITHIN_MS = 8000;
/** Refusals that say "not now" (nobody publishes yet, the node is busy): try WebRTC again later. */
const NOT_NOW = new Set(['NOT_LIVE', 'UNAVAILABLE', 'TIMEOUT']);
/** The H.264 RTP clock (RFC 6184). */
const RTP_CLOCK = 90000;

export function canPlayWhep() {
  return typeof RTCPeerConnection === 'function';
}

/** Whether this browser hands encoded frames to the page (Chromium's insertable streams). */
function encodedFramesOffered() {
  return typeof RTCRtpReceiver !== 'undefined' && typeof RTCRtpReceiver.prototype.createEncodedStreams === 'function';
}

/**
 * The SEI user_data_unregistered messages in one encoded H.264 frame (Annex B, as Chromium hands
 * it over), as { uuid, user_data } for readSei. Tolerates any bytes: a malformed NAL ends the scan.
 */
export function seiPayloads(bytes) {
  const out = [];
  const n = bytes.length;
  let i = 0;
  while (i + 3 < n) {
    // Find the next start code (00 00 01, or 00 00 00 01).
    if (!(bytes[i] === 0 && bytes[i + 1] === 0 && bytes[i + 2] === 1)) {
      i++;
      continue;
    }
    const start = i + 3;
    let end = start;
    while (end + 2 < n && !(bytes[end] === 0 && bytes[end + 1] === 0 && (bytes[end + 2] === 1 || bytes[end + 2] === 0))) {
      end++;
    }
    if (end + 2 >= n) {
      end = n;
    }
    if (start < end && (bytes[start] & 0x1f) === 6) {
      readSeiNal(unescape(bytes.subarray(start + 1, end)), out);
    }
    i = end;
  }
  return out;
}

/** The NAL payload without its emulation-prevention bytes (00 00 03 -> 00 00). */
function unescape(nal) {
  const out = new Uint8Array(nal.length);
  let o = 0;
  let zeros = 0;
  for (let i = 0; i < nal.length; i++) {
    const b = nal[i];
    if (zeros >= 2 && b === 3) {
      zeros = 0;
      continue;
    }
    zeros = b === 0 ? zeros + 1 : 0;
    out[o++] = b;
  }
  return out.subarray(0, o);
}

function readSeiNal(rbsp, out) {
  let i = 0;
  while (i < rbsp.length && rbsp[i] !== 0x80) {
    let type = 0;
    while (i < rbsp.length && rbsp[i] === 0xff) {
      type += 255;
      i++;
    }
    type += rbsp[i++] ?? 0;
    let size = 0;
    while (i < rbsp.length && rbsp[i] === 0xff) {
      size += 255;
      i++;
    }
    size += rbsp[i++] ?? 0;
    if (i + size > rbsp.length) {
      return;
    }
    if (type === 5 && size >= 16) {
      out.push({ uuid: rbsp.subarray(i, i + 16), user_data: rbsp.subarray(i + 16, i + size) });
    }
    i += size;
  }
}

/** Seconds on the RTP clock: the timeline cues and presented frames share over WebRTC. */
export function rtpSeconds(rtpTimestamp) {
  return rtpTimestamp / RTP_CLOCK;
}

function readCues(receiver, sync) {
  const { readable, writable } = receiver.createEncodedStreams();
  const video = receiver.track.kind === 'video';
  readable.pipeThrough(new TransformStream({
    transform(frame, controller) {
      if (video && sync) {
        const rtp = frame.getMetadata?.().rtpTimestamp ?? frame.timestamp;
        for (const sei of seiPayloads(new Uint8Array(frame.data))) {
          const msg = readSei(sei);
          if (msg) {
            sync.message(msg, rtpSeconds(rtp) * 1000);
          }
        }
      }
      controller.enqueue(frame);
    },
  })).pipeTo(writable).catch(() => {});
}

/**
 * Plays the room from url (the /join answer's whep, with the viewer's token) into video; returns
 * a stop function that ends the session (DELETE on its Location). onError(reason, again) gets a
 * short reason and whether WebRTC is worth trying again here: the room was not live yet, or the
 * session had played and then failed (the caller starts WebRTC again); otherwise (no WebRTC
 * between this browser and this node, or a stream it cannot decode) the caller falls back to FLV.
 * onPlaying is called with the first decoded frame. The stop function's restartIce() restarts
 * ICE in the session (what a lost path does by itself).
 */
export function playWhep(video, url, { onError, onPlaying, sync }) {
  const cues = encodedFramesOffered();
  const pc = new RTCPeerConnection(cues ? { encodedInsertableStreams: true } : {});
  let stopped = false;
  let failed = false;
  let session = null;
  let firstFrame = false;
  const fail = (reason, notNow = false) => {
    if (!stopped && !failed) {
      failed = true;
      onError(reason, notNow || firstFrame);
    }
  };
  pc.addTransceiver('video', { direction: 'recvonly' });
  pc.addTransceiver('audio', { direction: 'recvonly' });
  pc.ontrack = e => {
    if (cues) {
      readCues(e.receiver, sync);
    }
    if (e.track.kind === 'video') {
      video.srcObject = e.streams[0] ?? new MediaStream([e.track]);
    } else if (video.srcObject && !video.srcObject.getTracks().includes(e.track)) {
      video.srcObject.addTrack(e.track);
    }
  };
  let answerSdp = null;
  let restarting = false;
  // A phone that changes network (Wi-Fi to cellular) loses its path: ICE is restarted in the same
  // session (PATCH with new credentials, RFC 9725) before the session is given up.
  const restartIce = async () => {
    if (restarting || stopped || !session || !answerSdp) {
      return false;
    }
    restarting = true;
    try {
      pc.restartIce();
      await pc.setLocalDescription(await pc.createOffer());
      const sdp = pc.localDescription.sdp;
      const frag = sdp.split(/\r?\n/).filter(l => /^a=(ice-ufrag|ice-pwd|mid):/.test(l)).join('\r\n') + '\r\n';
      const r = await fetch(session, { method: 'PATCH', headers: { 'Content-Type': 'application/trickle-ice-sdpfrag' }, body: frag });
      if (r.status !== 200) {
        return false;
      }
      const text = await r.text();
      const ufrag = /a=ice-ufrag:(\S+)/.exec(text)?.[1];
      const pwd = /a=ice-pwd:(\S+)/.exec(text)?.[1];
      if (!ufrag || !pwd) {
        return false;
      }
      answerSdp = answerSdp.replace(/a=ice-ufrag:\S+/g, `a=ice-ufrag:${ufrag}`).replace(/a=ice-pwd:\S+/g, `a=ice-pwd:${pwd}`);
      await pc.setRemoteDescription({ type: 'answer', sdp: answerSdp });
      return true;
    } catch {
      return false;
    } finally {
      restarting = false;
    }
  };
  let lostPath = null;
  pc.oniceconnectionstatechange = () => {
    clearTimeout(lostPath);
    if (pc.iceConnectionState === 'disconnected') {
      lostPath = setTimeout(restartIce, 1000);
    }
  };
  pc.onconnectionstatechange = () => {
    if (pc.connectionState === 'failed') {
      restartIce().then(ok => ok || fail('webrtc: failed'));
    } else if (pc.connectionState === 'closed') {
      fail(`webrtc: ${pc.connectionState}`);
    }
  };
  sync?.reset();
  const timer = setTimeout(() => {
    if (!firstFrame) {
      fail('webrtc: no frame decoded in time');
    }
  }, FIRST_FRAME_WITHIN_MS);
  let frameHandle = 0;
  if (typeof video.requestVideoFrameCallback === 'function') {
    frameHandle = video.requestVideoFrameCallback(() => {
      firstFrame = true;
      onPlaying?.();
    });
  } else {
    video.addEventListener('playing', () => { firstFrame = true; onPlaying?.(); }, { once: true });
  }
  (async () => {
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    // ICE-lite answerer: the host candidates of the offer are enough; no trickle needed.
    const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: pc.localDescription.sdp });
    if (r.status !== 201) {
      let code = `HTTP ${r.status}`;
      try {
        code = (await r.json()).code ?? code;
      } catch {
        // not JSON
      }
      fail(`webrtc: ${code}`, NOT_NOW.has(code));
      return;
    }
    const location = r.headers.get('Location');
    session = location ? new URL(location, url).toString() : null;
    if (stopped) {
      end();
      return;
    }
    answerSdp = await r.text();
    await pc.setRemoteDescription({ type: 'answer', sdp: answerSdp });
    video.muted = true; // browsers start muted video without a gesture; the page offers unmute
    video.play?.()?.catch?.(() => {});
  })().catch(e => fail(`webrtc: ${e.message ?? e}`));

  function end() {
    if (session) {
      fetch(session, { method: 'DELETE' }).catch(() => {});
      session = null;
    }
  }
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    clearTimeout(lostPath);
    video.cancelVideoFrameCallback?.(frameHandle);
    end();
    pc.close();
    video.srcObject = null;
  };
  stop.restartIce = restartIce;
  return stop;
}

/**
 * The WHEP URL to play: the /join answer's whep, with a pinned layer and the viewer's token if any
 * (without a layer the node picks the one the viewer's bandwidth estimate holds).
 */
export function whepUrl(join, { token, layer }) {
  const url = new URL(join.whep);
  if (layer) {
    url.searchParams.set('layer', layer);
  }
  if (token && !url.searchParams.has('sig')) {
    url.searchParams.set('token', token);
  }
  return url.toString();
}
