/**
 * A small positional binary writer and reader for the stored trait state: every number is a tag
 * byte and its payload (null, a non-negative or negative integer as a LEB128 varint, a float64),
 * except integers 0–250, which are the tag byte alone; strings are a varint byte length and
 * UTF-8. Integers up to 2^53 round-trip exactly, floats bit for bit.
 */

const NULL = 0, UINT = 1, NEGINT = 2, FLOAT = 3, STRING = 4;
/** Tags from here up are the integers 0–250 themselves (counts, offsets, codes: most numbers). */
const SMALL = 5;
const SMALL_MAX = 255 - SMALL;

/** Appends values to a growing buffer (reused between states: `finish` copies the bytes out). */
export class StateWriter {
  private buf = Buffer.allocUnsafe(4096);
  private at = 0;

  reset(): this {
    this.at = 0;
    return this;
  }

  /** Bytes written since `reset`. */
  get length(): number {
    return this.at;
  }

  /** The bytes written since `reset`, as their own buffer. */
  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.at));
  }

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
  }

  byte(v: number): void {
    this.room(1);
    this.buf[this.at++] = v;
  }

  /** A non-negative integer (≤ 2^53) as a LEB128 varint. */
  varint(v: number): void {
    this.room(8);
    while (v >= 128) {
      this.buf[this.at++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    this.buf[this.at++] = v;
  }

  /** Any number or null: integers as varints, other numbers as float64. */
  num(v: number | null): void {
    if (v === null) this.byte(NULL);
    else if (v >= 0 && v <= SMALL_MAX && Number.isInteger(v)) this.byte(SMALL + v);
    else if (Number.isSafeInteger(v)) {
      this.byte(v >= 0 ? UINT : NEGINT);
      this.varint(v >= 0 ? v : -v);
    } else this.float(v);
  }

  /**
   * A number or null relative to `base` (times, bucket indices): `base − v` as an integer when both
   * are safe integers (small and exact), else `v` itself as float64.
   */
  offset(base: number, v: number | null): void {
    if (v === null) this.byte(NULL);
    else if (Number.isSafeInteger(v) && Number.isSafeInteger(base)) this.num(base - v);
    else this.float(v);
  }

  private float(v: number): void {
    this.room(9);
    this.buf[this.at++] = FLOAT;
    this.buf.writeDoubleLE(v, this.at);
    this.at += 8;
  }

  /** A string: byte length, then UTF-8. */
  str(s: string): void {
    const n = s.length;
    if (n < 43) {
      // At most 3 bytes per UTF-16 unit: the length fits one varint byte, written before the text.
      this.room(1 + n * 3);
      const buf = this.buf, start = this.at + 1;
      let i = 0;
      // Short ASCII strings (item ids, category names) byte by byte: quicker than a UTF-8 encoder call.
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 128) break;
        buf[start + i] = c;
      }
      const written = i === n ? n : buf.write(s, start, "utf8");
      buf[this.at] = written;
      this.at = start + written;
    } else {
      const bytes = Buffer.byteLength(s);
      this.varint(bytes);
      this.room(bytes);
      this.at += this.buf.write(s, this.at, "utf8");
    }
  }

  /** A string, a number or null (bucket keys: built-in type codes or custom type names). */
  value(v: string | number | null): void {
    if (typeof v === "string") {
      this.byte(STRING);
      this.str(v);
    } else this.num(v);
  }
}

/** Reads what a `StateWriter` wrote, in the same order. */
export class StateReader {
  private at = 0;

  constructor(private readonly buf: Buffer) {}

  /** Throws unless every byte was read, no more and no fewer (reads past the end yield no number). */
  end(): void {
    if (this.at !== this.buf.length) throw new RangeError(`trait state: corrupt (${this.at} of ${this.buf.length} bytes read)`);
  }

  /** A byte (undefined past the end: `end` reports it, varints stop at it). */
  byte(): number {
    return this.buf[this.at++];
  }

  varint(): number {
    let v = 0, scale = 1, b: number;
    do {
      b = this.byte();
      v += (b & 127) * scale;
      scale *= 128;
    } while (b & 128);
    return v;
  }

  num(): number | null {
    const tag = this.byte();
    return tag >= SMALL ? tag - SMALL : (this.payload(tag) as number | null);
  }

  /** What `StateWriter.offset` wrote against the same `base`. */
  offset(base: number): number | null {
    const tag = this.byte();
    if (tag >= SMALL) return base - (tag - SMALL);
    const v = this.payload(tag) as number | null;
    return tag === UINT || tag === NEGINT ? base - v! : v;
  }

  str(): string {
    const bytes = this.varint();
    const end = this.at + bytes;
    if (end > this.buf.length) throw new RangeError("trait state: corrupt (a string runs past the end)");
    const buf = this.buf;
    if (bytes <= 32) {
      // Short ASCII strings byte by byte: quicker than a UTF-8 decoder call.
      let s = "";
      let i = this.at;
      for (; i < end && buf[i] < 128; i++) s += String.fromCharCode(buf[i]);
      if (i === end) {
        this.at = end;
        return s;
      }
    }
    const s = buf.toString("utf8", this.at, end);
    this.at = end;
    return s;
  }

  value(): string | number | null {
    const tag = this.byte();
    return tag >= SMALL ? tag - SMALL : this.payload(tag);
  }

  private payload(tag: number): string | number | null {
    switch (tag) {
      case NULL:
        return null;
      case UINT:
        return this.varint();
      case NEGINT:
        return -this.varint();
      case FLOAT: {
        const v = this.buf.readDoubleLE(this.at);
        this.at += 8;
        return v;
      }
      case STRING:
        return this.str();
      default:
        throw new RangeError(`trait state: corrupt (unknown tag ${tag})`);
    }
  }
}
