// Runs before each test file, before n8n-core is loaded: keep its logger quiet (the tests
// assert on errors themselves) and its settings in a throwaway folder.
import fs from 'fs';
import os from 'os';
import path from 'path';

process.env.N8N_LOG_LEVEL ??= 'silent';
process.env.N8N_USER_FOLDER ??= fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-ym-test-'));
