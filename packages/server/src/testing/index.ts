export { type SshNodesOptions, type SshTestNode, type SshTestNodes, startSshNodes } from './sshd.js';
export {
  createTestDatabase,
  DIALECTS,
  type MigratedTestDatabase,
  openMigratedTestDatabase,
  TEST_POSTGRES_URL,
  type TestDatabase,
} from './test-databases.js';
export { ADMIN_PASSWORD, createTestPont, type TestPont } from './test-pont.js';
