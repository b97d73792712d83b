import pg from "pg";

/**
 * One statement's round trip on a pg connection, written and read by the store itself rather
 * than by pg's Query: a "submittable", which pg's Client queues and feeds the server's messages
 * like its own queries, and whose connection, pool, TLS and error handling stay pg's.
 *
 * What it saves per statement, on a path of a few dozen statements a request: pg copies each
 * query's config and builds a row parser from the row description every time, writes each
 * protocol message on its own, and wraps the answer in a promise of its own. Here a statement's
 * messages go out in one write, its row description is asked for and read once per process
 * (a named statement's text is fixed, so its columns are), and its rows are built by the
 * reader made from it.
 */

/** pg's Connection, the parts an exchange uses. */
interface Wire {
  stream: { writable: boolean; write(chunk: Uint8Array): boolean };
  parsedStatements: Record<string, string>;
  submittedNamedStatements: Record<string, string>;
  sendCopyFail(message: string): void;
}

interface FieldDescription {
  name: string;
  dataTypeID: number;
  format: string;
}

type Parse = (text: string) => unknown;

/** Builds a row from the server's text values; made once per statement from its row description. */
export interface Reader {
  keys: string[];
  /** Per column: how its text becomes the value (undefined: the text itself). */
  parsers: (Parse | undefined)[];
}

export interface Statement {
  name: string;
  text: string;
  /** The Parse message, made when first sent. */
  parse?: Buffer;
  /** The start of its Bind messages, made when first sent. */
  bindHead?: Buffer;
  /** Set once the statement's result columns are known: null when it returns no rows. */
  reader?: Reader | null;
}

const { builtins } = pg.types;
// bigint (int8) as a number, as Drizzle reads the schema's bigint columns (mode "number"):
// times in milliseconds, customer numbers and growing ids, all below 2^53. The others as pg
// reads them by default (a text column as its text).
const parsers = new Map<number, Parse | undefined>([
  [builtins.INT8, Number],
  [builtins.INT4, Number],
  [builtins.INT2, Number],
  [builtins.TEXT, undefined],
  [builtins.VARCHAR, undefined],
  [builtins.JSONB, JSON.parse],
  [builtins.JSON, JSON.parse],
]);
const parserOf = (oid: number): Parse | undefined =>
  parsers.has(oid) ? parsers.get(oid) : (pg.types.getTypeParser(oid, "text") as Parse);

function readerOf(fields: FieldDescription[]): Reader {
  if (fields.some((f) => f.format !== "text")) throw new Error("a statement's rows are read as text");
  return { keys: fields.map((f) => f.name), parsers: fields.map((f) => parserOf(f.dataTypeID)) };
}

function objectRow(reader: Reader, values: (string | null)[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  const { keys, parsers } = reader;
  for (let i = 0; i < keys.length; i++) {
    const value = values[i]!;
    const parse = parsers[i];
    row[keys[i]!] = value === null || parse === undefined ? value : parse(value);
  }
  return row;
}

function arrayRow(reader: Reader, values: (string | null)[]): unknown[] {
  const row = new Array<unknown>(values.length);
  const { parsers } = reader;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    const parse = parsers[i];
    row[i] = value === null || parse === undefined ? value : parse(value);
  }
  return row;
}

/** A value as its text, as pg sends it; null for SQL NULL. */
function textOf(value: unknown): string | null {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
    case "bigint":
    case "boolean":
      return String(value);
    case "undefined":
      return null;
    default:
      if (value === null) return null;
      // Every column value the store writes is one of the above: JSON columns go as their text.
      throw new TypeError(`a statement's value must be a string, number, boolean or null, not ${Object.prototype.toString.call(value)}`);
  }
}

// Protocol messages (PostgreSQL's frontend/backend protocol, version 3): a type byte, then a
// length that counts itself. Describe of the unnamed portal, Execute of it for all its rows, Sync.
const DESCRIBE = Buffer.from([0x44, 0, 0, 0, 6, 0x50, 0]);
const EXECUTE = Buffer.from([0x45, 0, 0, 0, 9, 0, 0, 0, 0, 0]);
const SYNC = Buffer.from([0x53, 0, 0, 0, 4]);

function parseMessage(statement: Statement): Buffer {
  const name = Buffer.from(statement.name, "utf8");
  const text = Buffer.from(statement.text, "utf8");
  const message = Buffer.alloc(1 + 4 + name.length + 1 + text.length + 1 + 2);
  message[0] = 0x50;
  message.writeInt32BE(message.length - 1, 1);
  name.copy(message, 5);
  text.copy(message, 5 + name.length + 1);
  // The parameters' types are left to the server (zero given): the text says them where it matters.
  return message;
}

const int32 = (into: Buffer, at: number, value: number) => {
  into[at] = value >>> 24;
  into[at + 1] = value >>> 16;
  into[at + 2] = value >>> 8;
  into[at + 3] = value;
};

/** A Bind's start up to its values: the unnamed portal, the statement's name, every parameter in text format. */
function bindHead(statement: Statement): Buffer {
  const name = Buffer.from(statement.name, "utf8");
  const head = Buffer.alloc(1 + 4 + 1 + name.length + 1 + 2);
  head[0] = 0x42;
  name.copy(head, 6);
  return head;
}

/** `text` as UTF-8 into `into` at `at`; how many bytes. Most values are short ASCII (ids, numbers, keys, hashes): copied by hand. */
function writeText(into: Buffer, at: number, text: string): number {
  const length = text.length;
  if (length < 64) {
    let i = 0;
    for (; i < length; i++) {
      const c = text.charCodeAt(i);
      if (c > 0x7f) break;
      into[at + i] = c;
    }
    if (i === length) return length;
  }
  return into.write(text, at, "utf8");
}

/** Bind of the unnamed portal to `statement` with `values` as text, its results as text; written into `into` at `at`. */
function writeBind(into: Buffer, at: number, statement: Statement, values: readonly (string | null)[]): number {
  const start = at;
  const head = (statement.bindHead ??= bindHead(statement));
  at += head.copy(into, at);
  into[at++] = values.length >>> 8;
  into[at++] = values.length;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (value === null) {
      int32(into, at, -1);
      at += 4;
    } else {
      const length = writeText(into, at + 4, value);
      int32(into, at, length);
      at += 4 + length;
    }
  }
  into[at++] = 0; // every result column in text format
  into[at++] = 0;
  int32(into, start + 1, at - start - 1);
  return at;
}

/** Room for a Bind of `statement` with `texts`: UTF-16 code units take at most three bytes each in UTF-8. */
function bindRoom(statement: Statement, texts: readonly (string | null)[]): number {
  let room = 1 + 4 + 1 + 3 * statement.name.length + 1 + 2 + 2 + 2;
  for (const text of texts) room += 4 + (text === null ? 0 : 3 * text.length);
  return room;
}

/** A statement and its values as text, sent ahead of another in its round trip. */
export interface Ahead {
  statement: Statement;
  texts: (string | null)[];
}

/**
 * What a connection sends ahead of its next statement, in the same round trip: a
 * transaction's BEGIN, and the writes its body did not wait for. Only statements the
 * connection has parsed go ahead: pg's Client notes as parsed only the statement of the
 * exchange it runs.
 */
export interface Queue {
  /** Taken by the exchange that sends them, in order. */
  take(): Ahead[] | undefined;
  /** One of them failed (`index`, in order): the error is the exchange's. */
  failed(error: Error, index: number): void;
}

/** The values as the text pg would send; throws on a value no column takes. */
export const textsOf = (values: readonly unknown[]): (string | null)[] => values.map(textOf);

export type Shape = "objects" | "arrays";

/**
 * One statement sent and its answer read: the rows (objects keyed by column, or arrays in the
 * select list's order) and how many rows it wrote or read. The callback is pg's Client's
 * contract: called once, with the error or with this exchange.
 */
export class Exchange {
  readonly name: string;
  readonly text: string;
  rows: unknown[] = [];
  rowCount: number | null = null;
  callback?: (error: Error | null, result?: Exchange) => void;
  private ahead: Ahead[] | undefined;
  private completed = 0;
  private failure: Error | undefined;

  constructor(
    private readonly statement: Statement,
    private readonly values: readonly unknown[],
    private readonly shape: Shape,
    private readonly queue?: Queue,
  ) {
    // Named as the statement, so that pg's Client notes it parsed on the connection once the server says so.
    this.name = statement.name;
    this.text = statement.text;
  }

  /** Called by pg's Client when the connection is free; an error returned is passed to handleError. */
  submit(wire: Wire): Error | null {
    const { statement } = this;
    let texts: (string | null)[];
    try {
      texts = textsOf(this.values);
    } catch (error) {
      return error as Error;
    }
    const known = wire.parsedStatements[statement.name] ?? wire.submittedNamedStatements[statement.name];
    if (known !== undefined && known !== statement.text) return new Error(`Prepared statements must be unique - '${statement.name}' was used for a different statement`);
    const ahead = this.queue?.take();
    const parse = known === undefined ? (statement.parse ??= parseMessage(statement)) : undefined;
    const describe = statement.reader === undefined;
    let room = (parse?.length ?? 0) + bindRoom(statement, texts) + (describe ? DESCRIBE.length : 0) + EXECUTE.length + SYNC.length;
    if (ahead) for (const a of ahead) room += bindRoom(a.statement, a.texts) + EXECUTE.length;
    const out = Buffer.allocUnsafe(room);
    let at = 0;
    if (ahead) {
      for (const a of ahead) {
        at = writeBind(out, at, a.statement, a.texts);
        at += EXECUTE.copy(out, at);
      }
    }
    if (parse) {
      at += parse.copy(out, at);
      wire.submittedNamedStatements[statement.name] = statement.text;
    }
    at = writeBind(out, at, statement, texts);
    if (describe) at += DESCRIBE.copy(out, at);
    at += EXECUTE.copy(out, at);
    at += SYNC.copy(out, at);
    this.ahead = ahead;
    if (wire.stream.writable) wire.stream.write(out.subarray(0, at));
    return null;
  }

  handleRowDescription(message: { fields: FieldDescription[] }): void {
    try {
      this.statement.reader = readerOf(message.fields);
    } catch (error) {
      this.failure ??= error as Error;
    }
  }

  handleDataRow(message: { fields: (string | null)[] }): void {
    if (this.failure) return;
    const { reader } = this.statement;
    if (!reader) {
      this.failure = new Error(`rows from '${this.name}' before its description`);
      return;
    }
    try {
      this.rows.push(this.shape === "objects" ? objectRow(reader, message.fields) : arrayRow(reader, message.fields));
    } catch (error) {
      this.failure = error as Error;
    }
  }

  handleCommandComplete(message: { text: string }): void {
    // The statements sent ahead complete first; the count is this statement's ("UPDATE 2", "INSERT 0 1", "SELECT 3").
    if (this.completed++ < (this.ahead?.length ?? 0)) return;
    const space = message.text.lastIndexOf(" ");
    this.rowCount = space < 0 ? null : Number(message.text.slice(space + 1));
  }

  handleEmptyQuery(): void {}

  handlePortalSuspended(): void {}

  handleCopyInResponse(wire: Wire): void {
    wire.sendCopyFail("No source stream defined");
  }

  handleCopyData(): void {}

  handleError(error: Error): void {
    if (this.ahead && this.completed < this.ahead.length) this.queue!.failed(error, this.completed);
    this.callback!(error);
  }

  handleReadyForQuery(): void {
    // A statement that returns no rows is described once too: it has no row description.
    if (this.statement.reader === undefined) this.statement.reader = null;
    if (this.failure) this.callback!(this.failure);
    else this.callback!(null, this);
  }
}

/** Where exchanges run: the pool (a free connection for each) or one connection. */
export interface Queryable {
  exchange(statement: Statement, values: readonly unknown[], shape: Shape): Promise<Exchange>;
  /**
   * Queues a write whose answer its caller does not use, to go ahead of the next exchange in
   * its round trip; false when the write must be sent and answered now (outside a transaction,
   * every write commits on its own before its caller goes on).
   */
  later?(statement: Statement, values: readonly unknown[]): boolean;
}

/** As pg's own promise does: the stack of the caller, not of the socket's read. */
function rejecting(reject: (error: unknown) => void) {
  return (error: Error) => {
    Error.captureStackTrace(error);
    reject(error);
  };
}

/** Each exchange on a free connection of the pool, handed back when it is answered. */
export function onPool(pool: pg.Pool): Queryable {
  type Callback = (error: Error | null) => void;
  const query = pool.query.bind(pool) as unknown as (exchange: Exchange, callback: Callback) => void;
  return {
    exchange: (statement, values, shape) =>
      new Promise((resolve, reject) => {
        const exchange = new Exchange(statement, values, shape);
        const fail = rejecting(reject);
        query(exchange, (error) => (error ? fail(error) : resolve(exchange)));
      }),
  };
}

/** Every exchange on `client`, in order; what `queue` holds goes ahead of the next one sent. */
export function onClient(client: pg.ClientBase, queue?: Queue): Queryable {
  return {
    exchange: (statement, values, shape) =>
      new Promise((resolve, reject) => {
        const exchange = new Exchange(statement, values, shape, queue);
        const fail = rejecting(reject);
        exchange.callback = (error) => (error ? fail(error) : resolve(exchange));
        client.query(exchange as unknown as pg.Submittable);
      }),
  };
}
