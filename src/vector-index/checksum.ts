// A fast 32-bit checksum (FNV-1a over 32-bit words, then the tail bytes) that tells a corrupt or
// truncated stored chunk from a good one. Not cryptographic: it guards against torn and damaged
// writes, not against an adversary.

export function checksum32(...parts: ArrayBufferView[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const bytes = new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
    const whole = bytes.byteLength >>> 2;
    const words =
      part.byteOffset % 4 === 0
        ? new Uint32Array(part.buffer, part.byteOffset, whole)
        : new Uint32Array(bytes.slice(0, whole * 4).buffer);
    for (let i = 0; i < whole; i++) h = Math.imul(h ^ words[i]!, 0x01000193);
    for (let i = whole * 4; i < bytes.byteLength; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
    h = Math.imul(h ^ bytes.byteLength, 0x01000193);
  }
  return h >>> 0;
}
