// The room's video in the page: WebSocket-FLV from the node the viewer watches on, played through
// Media Source Extensions by mpegts.js, tuned for live latency. The node starts every player at the
// latest keyframe; mpegts.js then keeps the buffer short (liveSync speeds playback up a little
// when it falls behind, latency chasing jumps when it falls far behind). Without ?layer= the node
// picks the best layer the viewer's measured throughput holds and switches at keyframes; a layer
// chosen by the viewer pins it.
import mpegts from 'mpegts.js';
import { readSei } from './media-sync.js';
import { rtpSeconds } from './whep.js';

export const LIVE_CONFIG = {
  enableWorker: false,
  enableStashBuffer: false,
  stashInitialSize: 64 * 1024,
  lazyLoad: false,
  autoCleanupSourceBuffer: true,
  liveSync: true,
  liveSyncTargetLatency: 0.8,
  liveSyncMaxLatency: 1.5,
  liveSyncPlaybackRate: 1.1,
  liveBufferLatencyChasing: true,
  liveBufferLatencyMaxLatency: 3.0,
  liveBufferLatencyMinRemain: 0.5,
};

export function canPlay() {
  return mpegts.isSupported();
}

/**
 * Plays url into video; returns a stop function. onError gets a short reason; the caller decides
 * whether to start again (it does, after /join, when the node it played from went away). The
 * room's clock messages and cues inside the video go to sync (a MediaSync), with their time on the
 * video's timeline.
 */
export function play(video, url, onError, sync) {
  // Whether audio comes is the stream's FLV header's to say (a stream may have none: a canvas over WHIP).
  const player = mpegts.createPlayer({ type: 'flv', isLive: true, url }, LIVE_CONFIG);
  player.attachMediaElement(video);
  player.on(mpegts.Events.ERROR, (type, detail) => onError(`${type}: ${detail}`));
  if (sync) {
    sync.reset();
    player.on(mpegts.Events.SEI_ARRIVED, sei => {
      const msg = readSei(sei);
      if (msg && typeof sei.pts === 'number') {
        sync.message(msg, sei.pts);
      }
    });
  }
  player.load();
  video.muted = true; // browsers start muted video without a gesture; the page offers unmute
  const started = player.play();
  if (started && typeof started.catch === 'function') {
    started.catch(() => {});
  }
  return () => {
    player.pause();
    player.unload();
    player.detachMediaElement();
    player.destroy();
  };
}

/**
 * Calls onFrame(videoSeconds, presentedAt) for every frame video presents (the frame's time on the
 * video's timeline and when it reaches the screen, on performance.now()); returns a stop function.
 * Over WebRTC (a MediaStream in the element) the timeline is the frame's RTP clock, the one the
 * WHEP player reads cues on.
 */
export function watchFrames(video, onFrame) {
  if (typeof video.requestVideoFrameCallback !== 'function') {
    return () => {};
  }
  let handle = 0;
  let stopped = false;
  const next = (now, meta) => {
    if (stopped) {
      return;
    }
    onFrame(frameSeconds(video, meta), meta.expectedDisplayTime ?? now);
    handle = video.requestVideoFrameCallback(next);
  };
  handle = video.requestVideoFrameCallback(next);
  return () => {
    stopped = true;
    video.cancelVideoFrameCallback?.(handle);
  };
}

/**
 * A presented frame's time in seconds on the timeline the page reads cues on: the RTP clock over
 * WebRTC (a MediaStream in the element), the video's own timeline over FLV.
 */
export function frameSeconds(video, meta) {
  return video.srcObject && typeof meta.rtpTimestamp === 'number' ? rtpSeconds(meta.rtpTimestamp) : meta.mediaTime;
}

/** Where the node that serves join's video lists the room's layers (GET, JSON). */
export function layersUrl(join) {
  return join.flv.replace(/\.flv$/, '/layers');
}

/** The URL to play: the /join answer's WebSocket-FLV, with a pinned layer and the viewer's token if any. */
export function playUrl(join, { layer, token }) {
  const url = new URL(join.wsFlv);
  if (layer) {
    url.searchParams.set('layer', layer);
  }
  if (token && !url.searchParams.has('sig')) {
    url.searchParams.set('token', token);
  }
  return url.toString();
}
