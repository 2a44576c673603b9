// Filled in by the core test harness: checks that the real parts (PostgreSQL, sshd, chromium) exist.
export default function setup(): void {}
