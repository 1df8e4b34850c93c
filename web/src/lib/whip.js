// Going live from the browser: the host's camera and microphone to the room over WebRTC (WHIP,
// RFC 9725), with the host token. The node takes H.264 and Opus as an RTMP encoder's stream:
// WebRTC viewers get them as they are, FLV and RTMP players get the Opus made into AAC once.

/** H.264 first (what every player takes), constrained baseline before the rest. */
function h264First(codecs) {
  const rank = c => {
    if (c.mimeType !== 'video/H264' || !/packetization-mode=1/.test(c.sdpFmtpLine ?? '')) {
      return 99;
    }
    const profile = /profile-level-id=([0-9a-f]{4})/i.exec(c.sdpFmtpLine ?? '')?.[1]?.toLowerCase();
    return ['42e0', '4200', '4d00', '6400'].indexOf(profile) + 1 || 50;
  };
  return codecs.filter(c => rank(c) < 99).sort((a, b) => rank(a) - rank(b));
}

/**
 * A camera of 540 lines or more goes out as three simulcast streams (RFC 8853), which the node
 * makes the room's layers, named by their rids: viewers on a weak network get a smaller picture
 * instead of a frozen one, and the browser encodes them, not the node.
 */
const SIMULCAST = [
  { rid: 'source', maxBitrate: 2_500_000, maxFramerate: 30 },
  { rid: 'half', scaleResolutionDownBy: 2, maxBitrate: 800_000, maxFramerate: 30 },
  { rid: 'quarter', scaleResolutionDownBy: 4, maxBitrate: 250_000, maxFramerate: 30 },
];

/**
 * Publishes the camera and microphone to url (the publish settings' whip) with the host token,
 * previewing in video; onState gets 'starting', 'live', 'failed: <why>' or 'ended'. Returns a
 * stop function that ends the session (DELETE on its Location) and releases the devices.
 */
export async function publishWhip(url, token, video, onState) {
  onState('starting');
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } },
    audio: true,
  });
  video.srcObject = stream;
  video.muted = true;
  video.play?.()?.catch?.(() => {});
  const pc = new RTCPeerConnection();
  let session = null;
  let stopped = false;
  const stop = () => {
    if (stopped) {
      return;
    }
    stopped = true;
    if (session) {
      fetch(session, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } }).catch(() => {});
    }
    pc.close();
    stream.getTracks().forEach(track => track.stop());
    video.srcObject = null;
    onState('ended');
  };
  for (const track of stream.getTracks()) {
    const init = { direction: 'sendonly', streams: [stream] };
    const simulcast = track.kind === 'video' && (track.getSettings?.().height ?? 0) >= 540;
    if (simulcast) {
      init.sendEncodings = SIMULCAST;
    }
    const transceiver = pc.addTransceiver(track, init);
    if (track.kind === 'video') {
      const codecs = h264First(RTCRtpSender.getCapabilities('video')?.codecs ?? []);
      if (codecs.length === 0) {
        stop();
        throw new Error('this browser cannot send H.264');
      }
      transceiver.setCodecPreferences(codecs);
      const params = transceiver.sender.getParameters();
      if (!simulcast) {
        params.encodings = [{ maxBitrate: 2_500_000, maxFramerate: 30 }];
      }
      params.degradationPreference = 'maintain-resolution';
      await transceiver.sender.setParameters(params).catch(() => {});
    }
  }
  pc.onconnectionstatechange = () => {
    if (pc.connectionState === 'connected') {
      onState('live');
    } else if (pc.connectionState === 'failed') {
      onState('failed: the connection to the node failed');
    }
  };
  await pc.setLocalDescription(await pc.createOffer());
  // The node is ICE-lite: the browser checks the node's candidate; its own need not be gathered.
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${token}` },
    body: pc.localDescription.sdp,
  });
  if (r.status !== 201) {
    let why = `HTTP ${r.status}`;
    try {
      const body = await r.json();
      why = `${body.code}: ${body.message}`;
    } catch {
      // not JSON
    }
    stop();
    onState(`failed: ${why}`);
    return () => {};
  }
  session = new URL(r.headers.get('Location'), url).toString();
  await pc.setRemoteDescription({ type: 'answer', sdp: await r.text() });
  return stop;
}
