import { statSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** The user (and group) embedded PostgreSQL runs as when Kindred runs as root. */
export interface RunAs {
  uid: number;
  gid: number;
}

/**
 * The first directory on the way to `path` that `user` may not enter (no execute permission for
 * it as owner, group member or other), or null when every existing one lets it through. Embedded
 * PostgreSQL refuses to run as root and runs as a `postgres` user instead, so a data directory
 * under root's own 0700 home is out of its reach.
 */
export function blockedAncestor(path: string, user: RunAs): { dir: string; mode: string } | null {
  const dirs: string[] = [];
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    dirs.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of dirs) {
    let st;
    try {
      st = statSync(dir);
    } catch {
      return null; // not made yet: created for the postgres user
    }
    const bit = st.uid === user.uid ? 0o100 : st.gid === user.gid ? 0o010 : 0o001;
    if (!(st.mode & bit)) return { dir, mode: (st.mode & 0o777).toString(8) };
  }
  return null;
}
