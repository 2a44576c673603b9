import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Encrypts secret values at rest with AES-256-GCM; values are `v1:<iv>:<tag>:<ciphertext>` base64url. */
export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
  /** A keyed digest, so a changed value is detected without keeping it readable. */
  digest(plaintext: string): string;
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('the secret key must be 32 bytes');
  const macKey = createHash('sha256').update(key).update('pont-digest').digest();
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [
        'v1',
        iv.toString('base64url'),
        cipher.getAuthTag().toString('base64url'),
        body.toString('base64url'),
      ].join(':');
    },
    open(sealed) {
      const [version, iv, tag, body] = sealed.split(':');
      if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a sealed secret value');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    },
    digest(plaintext) {
      return createHmac('sha256', macKey).update(plaintext).digest('base64url');
    },
  };
}

/**
 * The key comes from PONT_SECRET_KEY (64 hex characters or base64 of 32 bytes; any other text is
 * hashed into a key), else from a key file generated once with mode 0600 in the data directory.
 */
export function loadSecretKey(configured: string | undefined, keyFile: string): Buffer {
  if (configured) {
    if (/^[0-9a-fA-F]{64}$/.test(configured)) return Buffer.from(configured, 'hex');
    const b64 = Buffer.from(configured, 'base64');
    if (b64.length === 32 && /^[A-Za-z0-9+/_-]+=*$/.test(configured)) return b64;
    return createHash('sha256').update(configured).digest();
  }
  if (existsSync(keyFile)) {
    const key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${keyFile} does not hold a 32-byte base64 key`);
    return key;
  }
  mkdirSync(dirname(keyFile), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(keyFile, `${key.toString('base64')}\n`, { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  return key;
}
