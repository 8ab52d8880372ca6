// The package's files by the content-hashed names its manifest lists (kept
// by the browser for a year; a new build has new names), or by their plain
// names if the manifest cannot be read. The demo pages and the console load
// the core through it.
export async function packageFiles() {
  const manifest = await fetch('/pkg/manifest.json').then((r) => (r.ok ? r.json() : {})).catch(() => ({}));
  return (name) => `/pkg/${manifest[name] ?? name}`;
}
