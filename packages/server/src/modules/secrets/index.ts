export { type StoredSecretSpec, secretKind } from './secret.kind.js';
export { createSecretBox, loadSecretKey, type SecretBox } from './secret-box.js';
