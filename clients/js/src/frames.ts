/** Splitting of incoming frames: one text frame may carry several JSON objects separated by `\n`. */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ServerObject = { op: string; [key: string]: any };

export interface ParsedFrame {
  objects: ServerObject[];
  /** Lines that were not JSON objects with an `op`. */
  invalid: string[];
}

export function parseFrame(text: string): ParsedFrame {
  const objects: ServerObject[] = [];
  const invalid: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      continue;
    }
    try {
      const value: unknown = JSON.parse(line);
      if (value !== null && typeof value === 'object' && typeof (value as ServerObject).op === 'string') {
        objects.push(value as ServerObject);
      } else {
        invalid.push(line);
      }
    } catch {
      invalid.push(line);
    }
  }
  return { objects, invalid };
}

/** Offsets are JSON numbers on the wire; accept numeric strings too (int64 in proto JSON). */
export function toOffset(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return value;
  }
  if (typeof value === 'string' && /^\d+$/.test(value)) {
    return Number(value);
  }
  return undefined;
}
