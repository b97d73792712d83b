/** A user agent in plain words: a browser (or program) and an operating system. */
export interface Device {
  browser: string | null;
  os: string | null;
  /** A command-line tool or library rather than a browser. */
  program: string | null;
}

// Order matters: Edge and Opera also say Chrome, Chrome also says Safari.
const BROWSERS: [RegExp, string][] = [
  [/\bEdg(e|A|iOS)?\//, "Edge"],
  [/\b(OPR|Opera)\//, "Opera"],
  [/\bSamsungBrowser\//, "Samsung Internet"],
  [/\b(Firefox|FxiOS)\//, "Firefox"],
  [/\b(Chrome|CriOS|Chromium)\//, "Chrome"],
  [/\bVersion\/[\d.]+.*Safari\//, "Safari"],
];

const SYSTEMS: [RegExp, string][] = [
  [/\b(iPhone|iPad|iPod)\b/, "iOS"],
  [/\bAndroid\b/, "Android"],
  [/\bCrOS\b/, "ChromeOS"],
  [/\bWindows\b/, "Windows"],
  [/\bMac OS X\b|\bMacintosh\b/, "macOS"],
  [/\bLinux\b/, "Linux"],
];

const PROGRAMS = /^(curl|Wget|python-requests|Python-urllib|aiohttp|node-fetch|node|undici|axios|okhttp|Dart|Go-http-client|PostmanRuntime|insomnia|HTTPie)\b/i;

export function describeUserAgent(ua: string | null | undefined): Device {
  if (!ua) return { browser: null, os: null, program: null };
  const program = PROGRAMS.exec(ua)?.[1] ?? null;
  const browser = BROWSERS.find(([re]) => re.test(ua))?.[1] ?? null;
  const os = SYSTEMS.find(([re]) => re.test(ua))?.[1] ?? null;
  return { browser, os, program: browser ? null : program };
}
