/**
 * A byte-level, depth- and string-aware JSON scanner that streams a sequence
 * of JSON documents (one, several concatenated, or one per line) and cuts out
 * the elements of a container array, such as `Records` in a CloudTrail file,
 * without building the document. Memory is bounded by the largest single
 * element (or the largest document that is not a container).
 *
 * The scanner does not validate JSON; each element or document it cuts out is
 * `JSON.parse`d on its own by the caller, which catches any syntax error.
 *
 * @module
 */

/** What to do with the value of a top-level key that starts with `[` or `{`. */
export type KeyDecision = 'elements' | 'value' | 'continue';

/** Callbacks of {@link createJsonScanner}. Byte arrays are only valid during the call. */
export interface JsonScannerHandlers {
  /** A whole top-level object in which no key was turned into a container. */
  onDocument(bytes: Uint8Array, start: number, end: number, line: number, offset: number): void;
  /**
   * A top-level key whose value starts with `[` or `{`. `envelope()` parses the
   * members seen so far (the text before this key, closed with `}`).
   * Return `'elements'` (array: emit each element), `'value'` (object: emit the
   * value itself) or `'continue'` (keep collecting the whole document).
   */
  onKey(key: string, envelope: () => unknown): KeyDecision;
  /** One element of a container (`key` is `''` for a top-level array). */
  onElement(
    key: string,
    bytes: Uint8Array,
    start: number,
    end: number,
    line: number,
    offset: number,
    index: number,
  ): void;
  /** A structural fault, located at the start of the value concerned. */
  onError(code: 'truncated_json' | 'bad_json_value' | 'line_too_long', line: number, offset: number): void;
}

/** A push-based JSON document scanner. */
export interface JsonScanner {
  push(chunk: Uint8Array): void;
  end(): void;
}

/** Options of {@link createJsonScanner}. */
export interface JsonScannerOptions {
  /** Largest element or non-container document kept, in bytes. */
  readonly maxValueBytes: number;
  /** Byte offset of the first byte pushed. */
  readonly startOffset?: number;
  readonly handlers: JsonScannerHandlers;
}

function concat(pieces: readonly Uint8Array[], total: number): Uint8Array {
  if (pieces.length === 1) return pieces[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const decoder = new TextDecoder('utf-8');

// Modes of the current top-level document.
const BETWEEN = 0; // between documents
const CAPTURE = 1; // collecting a whole object document
const CONTAINER = 2; // inside an element container: emitting elements
const REST = 3; // after a container: skipping the rest of the document
const DISCARD = 4; // document too large or broken: skipping to its end

/**
 * Creates a JSON scanner.
 *
 * @example
 * ```ts
 * const records: string[] = [];
 * const scanner = createJsonScanner({
 *   maxValueBytes: 1 << 26,
 *   handlers: {
 *     onKey: (key) => (key === 'Records' ? 'elements' : 'continue'),
 *     onElement: (_k, b, s, e) => records.push(Buffer.from(b).toString('utf8', s, e)),
 *     onDocument: () => {},
 *     onError: () => {},
 *   },
 * });
 * scanner.push(Buffer.from('{"Records":[{"a":1},{"a":2}]}'));
 * scanner.end(); // records = ['{"a":1}', '{"a":2}']
 * ```
 */
export function createJsonScanner(options: JsonScannerOptions): JsonScanner {
  const { maxValueBytes, handlers } = options;
  let base = options.startOffset ?? 0; // absolute offset of the current chunk
  let line = 1;
  let depth = 0;
  let inStr = false;
  let esc = false;
  let mode = BETWEEN;
  let docIsObject = false;
  let docLine = 1;
  let docOffset = 0;
  let skipLine = false;
  // capture of the whole document
  let cap: Uint8Array[] = [];
  let capLen = 0;
  let capFrom = -1; // index in the current chunk where capture resumes
  // key tracking at depth 1
  let expectKey = false;
  let inKey = false;
  let keyPieces: Uint8Array[] = [];
  let keyFrom = -1;
  let key = '';
  let keyQuoteOffset = 0; // absolute offset of the key's opening quote
  let valuePending = false;
  // container / element state
  let cKey = '';
  let elemDepth = -1;
  let valueMode = false;
  let inElem = false;
  let elemScalar = false;
  let elemPieces: Uint8Array[] = [];
  let elemLen = 0;
  let elemFrom = -1;
  let elemLine = 0;
  let elemOffset = 0;
  let elemTooBig = false;
  let elemIndex = 0;

  function resetDoc(): void {
    mode = BETWEEN;
    cap = [];
    capLen = 0;
    capFrom = -1;
    expectKey = false;
    inKey = false;
    valuePending = false;
    inElem = false;
    elemPieces = [];
    elemLen = 0;
    elemFrom = -1;
    elemDepth = -1;
    valueMode = false;
  }

  function envelopeOf(chunk: Uint8Array): unknown {
    // The captured text up to the key's opening quote, closed with '}'.
    const upto = keyQuoteOffset - docOffset;
    const parts = capFrom >= 0 ? [...cap, chunk.subarray(capFrom)] : cap;
    const all = concat(
      parts,
      parts.reduce((n, p) => n + p.length, 0),
    );
    let text = decoder.decode(all.subarray(0, Math.max(0, upto))).trimEnd();
    if (text.endsWith(',')) text = text.slice(0, -1);
    try {
      return JSON.parse(`${text}}`);
    } catch {
      return undefined;
    }
  }

  function capAppend(piece: Uint8Array): boolean {
    capLen += piece.length;
    if (capLen > maxValueBytes) {
      handlers.onError('line_too_long', docLine, docOffset);
      mode = DISCARD;
      cap = [];
      capLen = 0;
      capFrom = -1;
      return false;
    }
    cap.push(piece);
    return true;
  }

  function elemAppend(piece: Uint8Array): void {
    if (elemTooBig) return;
    elemLen += piece.length;
    if (elemLen > maxValueBytes) {
      elemTooBig = true;
      elemPieces = [];
      handlers.onError('line_too_long', elemLine, elemOffset);
      return;
    }
    elemPieces.push(piece);
  }

  function startElem(i: number, scalar: boolean): void {
    inElem = true;
    elemScalar = scalar;
    elemFrom = i;
    elemPieces = [];
    elemLen = 0;
    elemTooBig = false;
    elemLine = line;
    elemOffset = base + i;
  }

  function endElem(chunk: Uint8Array, endIdx: number): void {
    inElem = false;
    const index = elemIndex++;
    if (elemTooBig) {
      elemFrom = -1;
      return;
    }
    if (elemPieces.length === 0) {
      if (endIdx - elemFrom > maxValueBytes) {
        handlers.onError('line_too_long', elemLine, elemOffset);
      } else {
        handlers.onElement(cKey, chunk, elemFrom, endIdx, elemLine, elemOffset, index);
      }
    } else {
      elemAppend(chunk.subarray(0, endIdx));
      if (!elemTooBig) {
        const joined = concat(elemPieces, elemLen);
        elemPieces = [];
        handlers.onElement(cKey, joined, 0, joined.length, elemLine, elemOffset, index);
      }
    }
    elemPieces = [];
    elemFrom = -1;
  }

  function enterContainer(k: string, decision: KeyDecision, i: number, c: number): boolean {
    if (decision === 'elements' && c === 91) {
      cKey = k;
      elemDepth = depth + 1; // depth after this '['
      valueMode = false;
    } else if (decision === 'value' && c === 123) {
      cKey = k;
      elemDepth = depth; // the value itself is the element
      valueMode = true;
      startElem(i, false);
    } else {
      return false;
    }
    mode = CONTAINER;
    elemIndex = 0;
    cap = [];
    capLen = 0;
    capFrom = -1;
    return true;
  }

  function fault(i: number): void {
    handlers.onError('bad_json_value', line, base + i);
    resetDoc();
    depth = 0;
    inStr = false;
    esc = false;
    skipLine = true;
  }

  return {
    push(b) {
      const n = b.length;
      if (mode === CAPTURE) capFrom = 0;
      if (inElem) elemFrom = 0;
      if (inKey) keyFrom = 0;
      let i = 0;
      while (i < n) {
        const c = b[i]!;
        if (skipLine) {
          if (c === 10) {
            line++;
            skipLine = false;
          }
          i++;
          continue;
        }
        if (inStr) {
          if (esc) {
            esc = false;
            i++;
            continue;
          }
          // fast path: skip ordinary string bytes
          while (i < n) {
            const d = b[i]!;
            if (d === 34 || d === 92) break;
            i++;
          }
          if (i >= n) break;
          if (b[i] === 92) {
            esc = true;
            i++;
            continue;
          }
          inStr = false;
          if (inKey) {
            inKey = false;
            keyPieces.push(b.subarray(keyFrom, i + 1));
            const raw = decoder.decode(
              concat(
                keyPieces,
                keyPieces.reduce((s, p) => s + p.length, 0),
              ),
            );
            keyPieces = [];
            keyFrom = -1;
            try {
              key = JSON.parse(raw) as string;
            } catch {
              key = '';
            }
          } else if (inElem && elemScalar && depth === elemDepth) {
            endElem(b, i + 1);
          }
          i++;
          continue;
        }
        switch (c) {
          case 32:
          case 9:
          case 13:
            if (inElem && elemScalar && depth === elemDepth) endElem(b, i);
            break;
          case 10:
            if (inElem && elemScalar && depth === elemDepth) endElem(b, i);
            line++;
            break;
          case 34: // '"'
            inStr = true;
            if (depth === 0) {
              fault(i);
              break;
            }
            if (depth === 1 && docIsObject && expectKey) {
              expectKey = false;
              inKey = true;
              keyFrom = i;
              keyPieces = [];
              keyQuoteOffset = base + i;
            } else {
              valuePending = false;
              if (mode === CONTAINER && !inElem && depth === elemDepth) startElem(i, true);
            }
            break;
          case 123: // '{'
          case 91: // '['
            if (depth === 0) {
              docLine = line;
              docOffset = base + i;
              docIsObject = c === 123;
              if (docIsObject) {
                mode = CAPTURE;
                cap = [];
                capLen = 0;
                capFrom = i;
                expectKey = true;
              } else {
                mode = CONTAINER;
                cKey = '';
                elemDepth = 1;
                valueMode = false;
                elemIndex = 0;
              }
            } else if (valuePending) {
              valuePending = false;
              if (mode === CAPTURE) {
                const k = key;
                const decision = handlers.onKey(k, () => envelopeOf(b));
                if (decision !== 'continue') enterContainer(k, decision, i, c);
              }
            } else if (mode === CONTAINER && !inElem && depth === elemDepth) {
              startElem(i, false);
            }
            depth++;
            break;
          case 125: // '}'
          case 93: // ']'
            if (inElem && elemScalar && depth === elemDepth) endElem(b, i);
            depth--;
            if (depth < 0) {
              fault(i);
              break;
            }
            if (inElem && !elemScalar && depth === elemDepth) {
              endElem(b, i + 1);
              if (valueMode) mode = REST;
            } else if (mode === CONTAINER && !valueMode && depth === elemDepth - 1) {
              mode = REST;
            }
            if (depth === 0) {
              if (mode === CAPTURE) {
                const piece = b.subarray(capFrom, i + 1);
                if (cap.length === 0 && piece.length <= maxValueBytes) {
                  handlers.onDocument(b, capFrom, i + 1, docLine, docOffset);
                } else if (capAppend(piece)) {
                  const joined = concat(cap, capLen);
                  cap = [];
                  handlers.onDocument(joined, 0, joined.length, docLine, docOffset);
                }
              }
              resetDoc();
            }
            break;
          case 44: // ','
            if (inElem && elemScalar && depth === elemDepth) endElem(b, i);
            if (depth === 1 && docIsObject) expectKey = true;
            break;
          case 58: // ':'
            if (depth === 1 && docIsObject) valuePending = true;
            break;
          default:
            if (depth === 0) {
              fault(i);
              break;
            }
            valuePending = false;
            if (mode === CONTAINER && !inElem && depth === elemDepth) startElem(i, true);
        }
        i++;
      }
      // carry partial state into the next chunk
      if (mode === CAPTURE && capFrom >= 0) capAppend(b.subarray(capFrom));
      capFrom = -1;
      if (inElem && elemFrom >= 0) elemAppend(b.subarray(elemFrom));
      elemFrom = -1;
      if (inKey && keyFrom >= 0 && keyPieces.length < 64) keyPieces.push(b.subarray(keyFrom));
      keyFrom = -1;
      base += n;
    },
    end() {
      if (inElem && elemScalar && depth === elemDepth && !inStr) {
        // a bare scalar at the very end of the input cannot be complete
        handlers.onError('truncated_json', elemLine, elemOffset);
      } else if (depth > 0 || inStr) {
        if (inElem) handlers.onError('truncated_json', elemLine, elemOffset);
        else if (mode === CAPTURE) handlers.onError('truncated_json', docLine, docOffset);
        // a container whose elements were all complete: the document is cut where the input ends
        else handlers.onError('truncated_json', line, base);
      }
      resetDoc();
      depth = 0;
      inStr = false;
      esc = false;
    },
  };
}
