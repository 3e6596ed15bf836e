import { createReadStream, statSync } from "node:fs";
import { createGunzip } from "node:zlib";
import { createInterface } from "node:readline";
import { parse } from "csv-parse";
import type { Readable } from "node:stream";

/** How to read a delimited file. */
export interface SourceOptions {
  delimiter?: string;
  encoding?: BufferEncoding;
  /** First row names the columns (default true for .csv, false for MovieLens-style files). */
  header?: boolean;
  /** Honour "…" quoting (RFC 4180); off for files whose text contains bare quotes. */
  quote?: boolean;
}

/** A file being read as a stream: rows of cells (delimited) or objects (NDJSON). */
export interface OpenedSource {
  format: "delimited" | "ndjson";
  rows: AsyncIterable<string[] | Record<string, unknown>>;
  /** Compressed bytes read so far (for progress) and the file's size. */
  bytesRead(): number;
  size: number;
}

/** Opens `.csv`, `.tsv`, `u.*`, `.ndjson`/`.jsonl`, any of them optionally `.gz`, streaming. */
export function openSource(path: string, options: SourceOptions = {}): OpenedSource {
  const size = statSync(path).size;
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  let read = 0;
  file.on("data", (chunk) => (read += chunk.length));
  const plain = path.endsWith(".gz") ? file.pipe(createGunzip()) : file;
  const name = path.replace(/\.gz$/, "");
  const encoding = options.encoding ?? "utf8";
  if (/\.(ndjson|jsonl)$/.test(name)) return { format: "ndjson", rows: ndjson(plain, encoding), bytesRead: () => read, size };
  const delimiter = options.delimiter ?? (/\.tsv$|u\.data$|\.base$|\.test$/.test(name) ? "\t" : /\/u\.[a-z]+$|^u\.[a-z]+$/.test(name) ? "|" : ",");
  const parser = parse({ delimiter, quote: options.quote === false ? false : '"', relax_column_count: true, relax_quotes: true, encoding, skip_empty_lines: true, bom: true });
  plain.on("error", (e: Error) => parser.destroy(e));
  return { format: "delimited", rows: plain.pipe(parser) as AsyncIterable<string[]>, bytesRead: () => read, size };
}

async function* ndjson(input: Readable, encoding: BufferEncoding): AsyncIterable<Record<string, unknown>> {
  input.setEncoding(encoding);
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line++;
    if (!text.trim()) continue;
    try {
      yield JSON.parse(text) as Record<string, unknown>;
    } catch {
      yield { __invalid: `line ${line} is not valid JSON` };
    }
  }
}
