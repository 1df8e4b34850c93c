// The room's video in the page: WebSocket-FLV from the node the viewer watches on, played through
// Media Source Extensions by mpegts.js, tuned for live latency. The node starts every player at the
// latest keyframe; mpegts.js then keeps the buffer short (liveSync speeds playback up a little
// when it falls behind, latency chasing jumps when it falls far behind). Without ?layer= the node
// picks the best layer the viewer's measured throughput holds and switches at keyframes; a layer
// chosen by the viewer pins it.
import mpegts from 'mpegts.js';

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
 * whether to start again (it does, after /join, when the node it played from went away).
 */
export function play(video, url, onError) {
  const player = mpegts.createPlayer({ type: 'flv', isLive: true, url, hasAudio: true, hasVideo: true }, LIVE_CONFIG);
  player.attachMediaElement(video);
  player.on(mpegts.Events.ERROR, (type, detail) => onError(`${type}: ${detail}`));
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
