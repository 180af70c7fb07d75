// Maps uint32 ids to dense slot numbers with an open-addressing hash table in typed arrays:
// 8 bytes an entry at load ≤ 0.5, i.e. 16 MB at 1M ids, where a JS Map<number, number> costs ~40 MB.
// Linear probing with backward-shift deletion, so removals leave no tombstones behind.

const EMPTY = 0xffffffff; // stored as slot+1 = 0 would also work; an explicit marker reads clearer

export class IdSlots {
  private keys: Uint32Array;
  private slots: Uint32Array; // EMPTY marks a free entry
  private mask: number;
  private used = 0;

  constructor(expected = 1024) {
    const capacity = tableSizeFor(expected);
    this.keys = new Uint32Array(capacity);
    this.slots = new Uint32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.used;
  }

  get byteLength(): number {
    return this.keys.byteLength + this.slots.byteLength;
  }

  get(id: number): number | undefined {
    for (let i = hash(id) & this.mask; ; i = (i + 1) & this.mask) {
      const slot = this.slots[i]!;
      if (slot === EMPTY) return undefined;
      if (this.keys[i] === id) return slot;
    }
  }

  set(id: number, slot: number): void {
    if ((this.used + 1) * 2 > this.keys.length) this.resize(this.keys.length * 2);
    for (let i = hash(id) & this.mask; ; i = (i + 1) & this.mask) {
      if (this.slots[i] === EMPTY) {
        this.keys[i] = id;
        this.slots[i] = slot;
        this.used++;
        return;
      }
      if (this.keys[i] === id) {
        this.slots[i] = slot;
        return;
      }
    }
  }

  delete(id: number): boolean {
    let i = hash(id) & this.mask;
    for (; ; i = (i + 1) & this.mask) {
      if (this.slots[i] === EMPTY) return false;
      if (this.keys[i] === id) break;
    }
    // Backward-shift: pull later entries of the probe run into the hole when their home allows it.
    let hole = i;
    for (let j = (hole + 1) & this.mask; this.slots[j] !== EMPTY; j = (j + 1) & this.mask) {
      const home = hash(this.keys[j]!) & this.mask;
      const distHole = (hole - home) & this.mask;
      const distJ = (j - home) & this.mask;
      if (distHole <= distJ) {
        this.keys[hole] = this.keys[j]!;
        this.slots[hole] = this.slots[j]!;
        hole = j;
      }
    }
    this.slots[hole] = EMPTY;
    this.used--;
    return true;
  }

  clear(): void {
    this.slots.fill(EMPTY);
    this.used = 0;
  }

  private resize(capacity: number): void {
    const { keys, slots } = this;
    this.keys = new Uint32Array(capacity);
    this.slots = new Uint32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
    this.used = 0;
    for (let i = 0; i < keys.length; i++) if (slots[i] !== EMPTY) this.set(keys[i]!, slots[i]!);
  }
}

function hash(id: number): number {
  const h = Math.imul(id, 0x9e3779b1);
  return (h ^ (h >>> 15)) >>> 0;
}

function tableSizeFor(expected: number): number {
  let capacity = 16;
  while (capacity < expected * 2) capacity *= 2;
  return capacity;
}
