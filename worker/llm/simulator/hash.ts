// A small synchronous rolling hash. WebCrypto digests are async and would force the prompt-cache
// bookkeeping to await once per content block; two independent 32-bit FNV-1a lanes (64 bits of
// state) are plenty to tell conversation prefixes apart inside one simulator instance.

export class RollingHash {
  #a = 0x811c9dc5;
  #b = 0x01000193 ^ 0x5bd1e995;

  constructor(seed = "") {
    this.update(seed);
  }

  /** Feeds `text` plus a separator, so ["ab","c"] and ["a","bc"] hash differently. */
  update(text: string): this {
    let a = this.#a;
    let b = this.#b;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
    }
    a = Math.imul(a ^ 0x1f, 0x01000193);
    b = Math.imul(b ^ 0x1f, 0x5bd1e995) ^ (b >>> 15);
    this.#a = a;
    this.#b = b;
    return this;
  }

  digest(): string {
    return (this.#a >>> 0).toString(16).padStart(8, "0") + (this.#b >>> 0).toString(16).padStart(8, "0");
  }
}

export function hashOf(...parts: string[]): string {
  const h = new RollingHash();
  for (const part of parts) h.update(part);
  return h.digest();
}
