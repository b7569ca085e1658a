import { openStorage } from '/work/main/dist/src/main.js';
import Database from 'better-sqlite3';
const proto = Object.getPrototypeOf(new Database(':memory:').prepare('select 1'));
const stats = new Map();
for (const m of ['run', 'all', 'get']) { const orig = proto[m]; proto[m] = function (...a) { const t = process.hrtime.bigint(); try { return orig.apply(this, a); } finally { const k=this.source.slice(0,60); const s=stats.get(k)??{n:0,us:0,src:this.source,args:a}; s.n++; s.us+=Number(process.hrtime.bigint()-t)/1000; stats.set(k,s);} }; }
const s = await openStorage({ sqlitePath: '/tmp/q2.db' });
const devs = new Database('/tmp/q2.db').prepare('select distinct device_id d from commands').all().map(r=>r.d);
for (let i=0;i<5000;i++) await s.claimNextCommand({channel:'apple', deviceId: devs[i%devs.length], now: Date.now(), owner:'o', leaseMs: 1000, maxAttempts: 3});
for (const [k,v] of stats) console.log((v.us/v.n).toFixed(1), v.n, k);
const sel=[...stats.values()].find(v=>v.src.startsWith('select'));
console.log(sel.src, JSON.stringify(sel.args));
const raw = new Database('/tmp/q2.db'); const st = raw.prepare(sel.src);
console.log(raw.prepare('explain query plan '+sel.src).all(...sel.args[0]).map(r=>r.detail));
const c=[...stats.values()].find(v=>v.src.startsWith('select "seq"'));
console.log(c.src, JSON.stringify(c.args));
console.log(raw.prepare('explain query plan '+c.src).all(...c.args[0]).map(r=>r.detail));
const st2 = raw.prepare(c.src); let t=process.hrtime.bigint(); for (let i=0;i<5000;i++) st2.all(c.args[0]); console.log('raw same args', Number(process.hrtime.bigint()-t)/5000/1000);
const a2=[...c.args[0]]; a2[a2.length-1]=50; t=process.hrtime.bigint(); for (let i=0;i<5000;i++) st2.all(a2); console.log('raw same args', Number(process.hrtime.bigint()-t)/5000/1000);
