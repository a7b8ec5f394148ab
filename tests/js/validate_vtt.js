// Parse WebVTT files with the W3C reference parser (webvtt-parser, the code behind the
// "Live WebVTT Validator") and print, per file, the errors and the cues it read as JSON.
const fs = require("fs");
const { WebVTTParser } = require("webvtt-parser");

const out = {};
for (const path of process.argv.slice(2)) {
  const text = fs.readFileSync(path, "utf8");
  const parser = new WebVTTParser();
  const tree = parser.parse(text, "subtitles");
  out[path] = {
    errors: tree.errors.map((e) => ({ message: e.message, line: e.line, col: e.col })),
    cues: tree.cues.map((c) => ({ id: c.id, start: c.startTime, end: c.endTime, text: c.text })),
  };
}
process.stdout.write(JSON.stringify(out));
