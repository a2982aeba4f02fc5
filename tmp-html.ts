import { readFileSync, writeFileSync } from 'node:fs';
import { buildRenderedDossier, renderHtml } from './libs/dossier-rendering/src';
const bytes = readFileSync(process.argv[2]);
const id = { versionNumber: 3, contentHash: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' };
const form: any = process.argv[3] ? JSON.parse(process.argv[3]) : { form: 'complete' };
for (let i = 0; i < 30; i++) renderHtml(buildRenderedDossier(bytes, id, form));
const t0 = process.hrtime.bigint();
let html = '';
for (let i = 0; i < 50; i++) { const m = buildRenderedDossier(bytes, id, form); html = renderHtml(m); }
const t1 = process.hrtime.bigint();
const m = buildRenderedDossier(bytes, id, form);
const t2 = process.hrtime.bigint();
for (let i = 0; i < 50; i++) html = renderHtml(m);
const t3 = process.hrtime.bigint();
console.log('model+html avg ms', Number(t1 - t0) / 50e6, 'html only', Number(t3 - t2) / 50e6, 'bytes', html.length);
writeFileSync(process.argv[4] ?? '/tmp/h/out.html', html);
