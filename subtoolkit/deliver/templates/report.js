const DATA = JSON.parse(document.getElementById('data').textContent);
const audio = document.getElementById('player');
const screen = document.getElementById('screen');
const picker = document.getElementById('variant');
const tracks = {};
for (const [tag, cues] of Object.entries(DATA.tracks)) {
  const track = audio.addTextTrack('subtitles', tag, tag);
  cues.forEach((c, i) => {
    const cue = new VTTCue(c.start_ms / 1000, c.end_ms / 1000, c.lines.join('\n'));
    cue.id = String(i);
    track.addCue(cue);
  });
  track.mode = 'disabled';
  track.addEventListener('cuechange', () => show());
  tracks[tag] = track;
  const opt = document.createElement('option');
  opt.value = tag; opt.textContent = tag; picker.appendChild(opt);
}
function current() { return tracks[picker.value]; }
function show() {
  const t = current();
  const active = t && t.activeCues ? Array.from(t.activeCues) : [];
  screen.textContent = active.map(c => c.text).join('\n');
}
function choose(tag) {
  for (const [k, t] of Object.entries(tracks)) t.mode = (k === tag) ? 'hidden' : 'disabled';
  for (const body of document.querySelectorAll('tbody.speakers')) body.hidden = body.dataset.track !== tag;
  picker.value = tag; show();
}
picker.addEventListener('change', () => choose(picker.value));
choose(DATA.default_track);
const strip = document.getElementById('strip');
const head = document.getElementById('playhead');
audio.addEventListener('timeupdate', () => {
  const x = (audio.currentTime * 1000 - DATA.t0) / DATA.span * 1000;
  head.setAttribute('x1', x); head.setAttribute('x2', x);
});
if (strip) strip.addEventListener('click', (e) => {
  const r = strip.getBoundingClientRect();
  audio.currentTime = (DATA.t0 + (e.clientX - r.left) / r.width * DATA.span) / 1000;
});
const status = document.getElementById('audio-status');
function missing() {
  if (!DATA.audio || !status) return;
  status.textContent = `The audio file ${DATA.audio} is missing: it must sit in the same folder as report.html ` +
    `(copy the two together). The subtitles, figures and timeline work without it, but nothing plays.`;
  status.hidden = false;
}
audio.addEventListener('error', missing);
if (audio.error) missing();
window.subtoolkit = {tracks, choose, audio};
