// Secrets at rest (DESIGN §10): connector header values, URL queries and OAuth tokens are stored
// only as AES-256-GCM ciphertext under a key derived (HKDF-SHA-256) from the BATON_SECRET_KEY
// secret. Each value is bound to where it lives (associated data, e.g. `connector:<id>:secrets`),
// so a ciphertext copied to another row or column doesn't open. Format: `v1.<iv>.<ciphertext>`,
// base64url, a fresh 96-bit IV per seal. Nothing here logs; failures say what, never the value.
import { fromBase64Url, toBase64Url } from "./crypto";

/** BATON_SECRET_KEY must carry at least 128 bits: 32+ characters (`openssl rand -base64 32` gives 44). */
export const MIN_SECRET_KEY_CHARS = 32;

export class SecretKeyMissing extends Error {
  constructor() {
    super("BATON_SECRET_KEY is not set (or shorter than 32 characters), so secrets can't be stored.");
  }
}

const keys = new Map<string, Promise<CryptoKey>>();

function deriveKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = (async () => {
      const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), "HKDF", false, [
        "deriveKey",
      ]);
      return crypto.subtle.deriveKey(
        {
          name: "HKDF",
          hash: "SHA-256",
          salt: new TextEncoder().encode("baton/secrets/v1"),
          info: new TextEncoder().encode("aes-256-gcm"),
        },
        material,
        { name: "AES-GCM", length: 256 },
        false,
        ["encrypt", "decrypt"],
      );
    })();
    keys.set(secret, key);
  }
  return key;
}

/** Seals and opens secrets with the deployment's key. */
export class SecretBox {
  private constructor(private readonly key: Promise<CryptoKey>) {}

  /** The box for this deployment, or null when BATON_SECRET_KEY is missing or too short. */
  static fromEnv(env: { BATON_SECRET_KEY?: string }): SecretBox | null {
    const secret = env.BATON_SECRET_KEY?.trim() ?? "";
    return secret.length >= MIN_SECRET_KEY_CHARS ? new SecretBox(deriveKey(secret)) : null;
  }

  static require(env: { BATON_SECRET_KEY?: string }): SecretBox {
    const box = SecretBox.fromEnv(env);
    if (!box) throw new SecretKeyMissing();
    return box;
  }

  async seal(plain: string, boundTo: string): Promise<string> {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(boundTo) },
      await this.key,
      new TextEncoder().encode(plain),
    );
    return `v1.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(data))}`;
  }

  /** The plaintext; throws (without the value) if it was sealed elsewhere, altered, or by another key. */
  async open(sealed: string, boundTo: string): Promise<string> {
    const [version, iv, data] = sealed.split(".");
    if (version !== "v1" || !iv || !data) throw new Error(`a secret for ${boundTo} is not in a known format`);
    try {
      const plain = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: fromBase64Url(iv), additionalData: new TextEncoder().encode(boundTo) },
        await this.key,
        fromBase64Url(data),
      );
      return new TextDecoder().decode(plain);
    } catch {
      throw new Error(`a secret for ${boundTo} could not be decrypted (was BATON_SECRET_KEY changed?)`);
    }
  }
}
