import { createHash } from 'node:crypto';
import type { ExecNode } from './executor.js';

/**
 * The fingerprint of a raw SSH public key blob exactly as `ssh-keygen -l -E sha256` prints it:
 * `SHA256:` followed by the unpadded base64 of the sha256 of the blob.
 */
export function sshFingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The legacy form `MD5:aa:bb:…` (`ssh-keygen -l -E md5`), accepted in specs written long ago. */
export function sshMd5Fingerprint(keyBlob: Buffer): string {
  const hex = createHash('md5').update(keyBlob).digest('hex');
  return `MD5:${hex.match(/../g)?.join(':') ?? hex}`;
}

/**
 * Whether a recorded fingerprint designates this key. Accepts `SHA256:…` with or without base64
 * padding, a bare sha256 base64 value (what some tools show), and `MD5:aa:bb:…`.
 */
export function fingerprintMatches(expected: string, keyBlob: Buffer): boolean {
  const wanted = expected.trim();
  if (/^MD5:/i.test(wanted)) return wanted.toLowerCase() === sshMd5Fingerprint(keyBlob).toLowerCase();
  const bare = wanted.replace(/^SHA256:/i, '').replace(/=+$/, '');
  return bare === sshFingerprint(keyBlob).slice('SHA256:'.length);
}

/** The algorithm named at the start of a key blob, e.g. `ssh-ed25519`. */
export function keyType(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const length = keyBlob.readUInt32BE(0);
  return length > 0 && length < 64 && keyBlob.length >= 4 + length
    ? keyBlob.toString('latin1', 4, 4 + length)
    : 'unknown';
}

/** Where OpenSSH keeps the public host key of this type, to tell users what to check on the node. */
function hostKeyFile(type: string): string {
  const name =
    type === 'ssh-ed25519'
      ? 'ed25519'
      : type.startsWith('ecdsa-')
        ? 'ecdsa'
        : type.includes('rsa')
          ? 'rsa'
          : 'ed25519';
  return `/etc/ssh/ssh_host_${name}_key.pub`;
}

export type HostKeyDecision =
  | { accept: true; trustedOnFirstUse?: string }
  | { accept: false; reason: string; fingerprint: string };

/** Decides whether the key a node presented may be trusted, and says why not in words a user can act on. */
export function decideHostKey(node: ExecNode, address: string, keyBlob: Buffer): HostKeyDecision {
  const seen = sshFingerprint(keyBlob);
  const type = keyType(keyBlob);
  const check = `ssh-keygen -l -E sha256 -f ${hostKeyFile(type)}`;
  const recorded = node.hostKey?.fingerprint?.trim();
  if (recorded) {
    if (fingerprintMatches(recorded, keyBlob)) return { accept: true };
    return {
      accept: false,
      fingerprint: seen,
      reason:
        `host key of node ${node.name} (${address}) does not match: spec.hostKey.fingerprint is ${recorded} ` +
        `but the node presented its ${type} key ${seen}. Connection refused: someone may be intercepting it. ` +
        `If the node was reinstalled or its key rotated, check the key on the node itself (${check}) and ` +
        `update spec.hostKey.fingerprint.`,
    };
  }
  if (node.hostKey?.trustOnFirstUse) return { accept: true, trustedOnFirstUse: seen };
  return {
    accept: false,
    fingerprint: seen,
    reason:
      `node ${node.name} (${address}) has no recorded host key; it presented its ${type} key ${seen}. ` +
      `Connection refused. Check that fingerprint on the node (${check}) and set ` +
      `spec.hostKey.fingerprint: "${seen}", or set spec.hostKey.trustOnFirstUse: true to record the first key seen.`,
  };
}
