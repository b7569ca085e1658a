import { spawnSync } from 'node:child_process';

/**
 * Python's `plistlib` (python3 is on every machine we test on) as an independent reader of the
 * plists we write: each file becomes JSON in which the types a plist keeps apart stay apart.
 */
const SCRIPT = `
import base64, datetime, json, plistlib, sys
def canon(v):
    if isinstance(v, bool): return v
    if isinstance(v, int): return {"$integer": str(v)}
    if isinstance(v, float): return {"$real": repr(v)}
    if isinstance(v, bytes): return {"$data": base64.b64encode(v).decode()}
    if isinstance(v, datetime.datetime): return {"$date": v.isoformat()}
    if isinstance(v, list): return [canon(x) for x in v]
    if isinstance(v, dict): return {k: canon(x) for k, x in v.items()}
    return v
out = []
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        out.append(canon(plistlib.load(f)))
print(json.dumps(out))
`;

/** Loads each file with plistlib; throws with Python's error when one does not load. */
export function loadWithPlistlib(paths: string[]): unknown[] {
  const result = spawnSync('python3', ['-c', SCRIPT, ...paths], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`plistlib refused: ${result.stderr}`);
  return JSON.parse(result.stdout) as unknown[];
}
